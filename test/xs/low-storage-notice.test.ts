// Storage running low, with firmware/main in XS: the officer is warned while recording, and a
// warning found by the last segment's commit at a stop sounds after the stop tones, never over
// them (the README bench walkthrough once measured 660 Hz, the warning, where the falling stop
// tones should have been: its bench camera's flash ran low exactly at a stop).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { hostPort } from '../support/dock-harness.js';

type Step = [hz: number, ms: number];

/** The onsets a sequence sounds, relative to its start. */
function onsets(sequence: Step[]): { at: number; hz: number }[] {
  const out: { at: number; hz: number }[] = [];
  let at = 0;
  for (const [hz, ms] of sequence) {
    if (hz > 0) out.push({ at, hz });
    at += ms;
  }
  return out;
}

describe('low storage notice (firmware/main in XS)', function () {
  let board: SimulatedBoard | undefined;
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-low-storage-')); });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, stopWarns] of [['every commit finds storage low', true], ['storage is fine', false]] as const) {
    it(`${name}: the stop tones sound whole from the hold, ${stopWarns ? 'and the warning follows them' : 'and nothing follows them'}`, async () => {
      const base = boardTarget().config as { chaincam: Record<string, any> };
      const { chaincam } = base;
      const tones = chaincam.tones as Record<'stop' | 'lowStorage', Step[]>;
      const holdMs = chaincam.button.holdMs as number;
      const camera = generateP256KeyPair(hostPort);
      const flash = path.join(dir, 'flash');
      provisionFlash(flash, { ...camera, deviceId: deriveDeviceId(hostPort, camera.publicKey), label: 'low storage' }, generateP256KeyPair(hostPort).publicKey, []);
      // lowSpaceBytes above the whole partition: every segment's commit is below it.
      const capture = { ...chaincam.capture, width: 160, height: 120, fps: 2, lowSpaceBytes: stopWarns ? 1 << 30 : 1 };
      board = await SimulatedBoard.boot({ cpu: IDEAL_CPU, storage: { dir: flash }, config: { chaincam: { ...chaincam, capture } } });
      await board.advance(1000);
      await board.press('button', 100); // ground 1
      await board.advance(300);
      await board.press('button', 1200); // start on it
      await board.advance(15_000); // a segment commits at 10 s
      const down = board.now;
      await board.press('button', holdMs + 500); // stop
      await board.advance(5000);
      board.throwIfFaulted();
      const stopped = board.traces.find((t) => t.t >= down && /recording-stop/.test(t.text));
      assert.ok(stopped, board.traces.map((t) => t.text).join(''));

      const warning = onsets(tones.lowStorage).map((o) => o.hz);
      const whileRecording = board.timeline.toneOnsets(0).filter((o) => o.t < down && o.hz === warning[0]);
      assert.equal(whileRecording.length, stopWarns ? warning.length : 0, 'a segment commit while recording warns at once');

      const held = down + holdMs;
      const after = board.timeline.toneOnsets(held - 50);
      const stop = onsets(tones.stop);
      assert.deepEqual(after.slice(0, stop.length).map((o) => [o.t - after[0]!.t, o.hz]), stop.map((o) => [o.at, o.hz]), 'the stop tones, whole and first');
      assert.ok(after[0]!.t - held <= 100, `the stop tones begin at the hold (+${after[0]!.t - held} ms)`);
      const stopLength = tones.stop.reduce((n, [, ms]) => n + ms, 0);
      const rest = after.slice(stop.length);
      if (!stopWarns) return assert.deepEqual(rest, [], 'nothing sounds after the stop');
      assert.deepEqual(rest.map((o) => o.hz), warning, 'then the low-storage warning');
      assert.ok(rest[0]!.t >= after[0]!.t + stopLength, 'after the stop tones have ended');
    });
  }
});
