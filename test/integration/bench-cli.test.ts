import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runIndicatorBench } from '../../host-tools/bench/indicator-bench.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';

describe('chaincam bench --sim (the indicator bench)', function () {
  it('passes on the simulated LILYGO board, says why, and writes the timeline and sign pictures', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'chaincam-bench-'));
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'bench', '--sim', '--json', '--reminder-minutes', '6', '--out', out], { encoding: 'utf8', timeout: HANG_STOP_MS });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as { passed: boolean; requirements: { id: string; pass: boolean | null; measured: string; why: string }[]; files: string[] };
    assert.equal(report.passed, true);
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    for (const id of ['selftest.led', 'selftest.tone', 'selftest.sign', 'start.grounds', 'start.led', 'start.tone', 'start.sign', 'start.sign-content', 'stop.tone', 'stop.sign', 'reminder.interval', 'emergency.deadline', 'fail.tone']) {
      assert.equal(byId[id]?.pass, true, `${id}: ${byId[id]?.measured}`);
      assert.ok(byId[id]!.why.length > 10, `${id} says why`);
    }
    assert.equal(byId['reminder.interval']!.measured.startsWith('3 reminders, intervals 120000-120000 ms'), true, byId['reminder.interval']!.measured);
    assert.equal(byId['fail.sign']!.pass, null, 'a dead ST7789 without MISO cannot be detected, and the bench says so');
    assert.equal(byId['fail.led']!.pass, null, 'nor can the recording lamp drawn on it');
    assert.match(byId['fail.led']!.why, /lamp drawn on the ST7789 sign/);
    assert.match(byId['fail.tone']!.measured, /speaker: the I2S output did not play/, 'a stalled I2S output is detected');
    for (const name of ['timeline-start-stop.png', 'timeline-reminders.png', 'sign-ready.png', 'sign-recording-ground-9.png']) {
      const file = report.files.find((f) => f.endsWith(name));
      assert.ok(file, name);
      assert.deepEqual([...readFileSync(file!).subarray(1, 4)], [0x50, 0x4e, 0x47], `${name} is a PNG`);
    }
  });

  it('fails the requirements a silent buzzer breaks, and only those', async () => {
    const run = await runIndicatorBench({ reminderMinutes: 4, prepare: (board) => board.injectSoundFault() });
    try {
      const failed = run.requirements.filter((r) => r.pass === false).map((r) => r.id).sort();
      assert.deepEqual(failed, ['reminder.interval', 'selftest.clean', 'selftest.tone', 'start.tone', 'stop.tone']);
    } finally {
      await run.board.close();
    }
  });

  it('detects a dead SSD1306 sign on the XIAO board, where the bus can hear it', async () => {
    const run = await runIndicatorBench({ target: 'xiao_esp32s3_sense', reminderMinutes: 4 });
    try {
      const sign = run.requirements.find((r) => r.id === 'fail.sign')!;
      assert.equal(sign.pass, true, sign.measured);
      assert.match(sign.measured, /display: SSD1306 display at I2C address 0x3c/);
      assert.deepEqual(run.requirements.filter((r) => r.pass === false).map((r) => r.id), []);
    } finally {
      await run.board.close();
    }
  });
});
