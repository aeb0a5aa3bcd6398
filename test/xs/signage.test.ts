import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import { LEGAL_GROUNDS, legalGround } from '../../firmware/policy/legal-grounds.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { expectedLit, expectedPixels, firstDifference, savePng } from '../support/sign-expectation.js';
import { bootSignage, ssd1306Of, st7789Of, type ScenarioStep, type SignTarget } from './signage-boards.js';

// The sign as the panel decoded it from the driver's real bus traffic (SPI with
// D/C on the LILYGO, I2C on the XIAO), pixel for pixel against the layout drawn
// in Node from the same font module. That comparison proves the driver and bus carry the
// layout; it cannot catch a wrong layout, since both sides draw it. So each screen is also held
// to a golden: the SHA-256 of its pixels as reviewed by eye (the PNGs in out/signage),
// kept in test/fixtures/signage-golden.json. CHAINCAM_SIGN_GOLDEN=write records new goldens
// after a deliberate change of the sign; review the PNGs before committing them.
const GOLDEN_FILE = path.join(projectRoot, 'test/fixtures/signage-golden.json');
const golden: Record<string, string> = JSON.parse(fs.readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>;
const writeGolden = process.env.CHAINCAM_SIGN_GOLDEN === 'write';

function assertGolden(board: SimulatedBoard, screen: SignScreen, pixels: ArrayBufferView, png: () => Buffer): void {
  const key = `${board.target.name} ${JSON.stringify(screen)}`;
  const digest = createHash('sha256').update(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength)).digest('hex');
  if (writeGolden) {
    golden[key] = digest;
    savePng(`golden-${digest.slice(0, 12)}`, png());
    fs.writeFileSync(GOLDEN_FILE, `${JSON.stringify(Object.fromEntries(Object.entries(golden).sort()), null, 2)}\n`);
    return;
  }
  assert.ok(golden[key], `no golden for ${key}: run with CHAINCAM_SIGN_GOLDEN=write, review out/signage, commit ${path.relative(projectRoot, GOLDEN_FILE)}`);
  assert.equal(digest, golden[key], `${key}: the panel's pixels differ from the reviewed golden`);
}

function assertShows(board: SimulatedBoard, screen: SignScreen, picture?: string): void {
  if (board.target.name === 'lilygo_t_camera_plus_s3') {
    const panel = st7789Of(board);
    const difference = firstDifference(panel.visible(), expectedPixels(screen, panel), panel.width);
    if (picture) savePng(picture, panel.png());
    assert.equal(difference, undefined, `${board.target.name} ${screen.kind}: pixel ${difference}`);
    assert.deepEqual(panel.violations, []);
    assertGolden(board, screen, panel.visible(), () => panel.png());
  } else {
    const panel = ssd1306Of(board);
    const difference = firstDifference(panel.visible(), expectedLit(screen, panel), panel.width);
    if (picture) savePng(picture, panel.png());
    assert.equal(difference, undefined, `${board.target.name} ${screen.kind}: pixel ${difference}`);
    assertGolden(board, screen, panel.visible(), () => panel.png());
  }
}

const TARGETS: SignTarget[] = ['lilygo_t_camera_plus_s3', 'xiao_esp32s3_sense'];
const REASON = 'Officer in danger: the suspect attacked before the camera could be switched on';

describe('the sign display on each board (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  for (const target of TARGETS) {
    it(`${target}: every screen reaches the panel exactly as laid out, and the elapsed time keeps counting`, async () => {
      const steps: ScenarioStep[] = [
        { at: 0, show: { kind: 'ready' } },
        { at: 1000, show: { kind: 'recording', ground: 5 } },
        { at: 100_000, show: { kind: 'recording' } },
        { at: 110_000, show: { kind: 'notice-not-given', reason: REASON } },
        { at: 120_000, show: { kind: 'low-storage', percentFree: 7 } },
      ];
      board = await bootSignage(target, steps);
      await board.advance(0);
      assertShows(board, { kind: 'ready' }, `${target}-ready`);
      await board.advance(1000);
      assertShows(board, { kind: 'recording', ground: legalGround(5), elapsedMs: 0 });
      await board.advance(65_000); // incremental updates must add up to the full screen at 01:05
      assertShows(board, { kind: 'recording', ground: legalGround(5), elapsedMs: 65_000 }, `${target}-recording`);
      await board.advance(100_000 - board.now);
      assertShows(board, { kind: 'recording', ground: undefined, elapsedMs: 0 }, `${target}-ground-pending`);
      await board.advance(10_000);
      assertShows(board, { kind: 'notice-not-given', reason: REASON }, `${target}-notice-not-given`);
      await board.advance(10_000);
      assertShows(board, { kind: 'low-storage', percentFree: 7 }, `${target}-low-storage`);
      assert.deepEqual(board.traces, [], 'no display errors');
    });

    it(`${target}: each SD card condition that stops recording has its screen, in Korean and English`, async () => {
      const conditions = [2, 3, 4, 5, 6, 7];
      board = await bootSignage(target, conditions.map((condition, i) => ({ at: 1000 + i * 1000, show: { kind: 'card', condition } })));
      for (const condition of conditions) {
        await board.advance(1000);
        assertShows(board, { kind: 'card', condition }, `${target}-card-${condition}`);
      }
      assert.deepEqual(board.traces, [], 'no display errors');
    });

    it(`${target}: shows every legal ground's code and Korean and English labels`, async () => {
      board = await bootSignage(target, LEGAL_GROUNDS.map((g, i) => ({ at: i * 1000, show: { kind: 'recording', ground: g.code } })));
      for (const ground of LEGAL_GROUNDS) {
        await board.advance(ground.code === 1 ? 0 : 1000);
        assertShows(board, { kind: 'recording', ground, elapsedMs: 0 }, `${target}-ground-${ground.code}`);
      }
    });
  }

  it('lilygo: each second rewrites only the changed digits of the elapsed time, inside its rows', async () => {
    board = await bootSignage('lilygo_t_camera_plus_s3', [{ at: 0, show: { kind: 'recording', ground: 1 } }]);
    const panel = st7789Of(board);
    await board.advance(0);
    const windows = (from: number) => panel.writes.slice(from).map((w) => ({ x: w.x0, y: w.y0, width: w.x1 - w.x0 + 1, height: w.y1 - w.y0 + 1, pixels: w.pixels }));
    // Cost in XS: computrons of the delivery that ran the 1 s timer (simulated IO shim calls included).
    const lastStep = () => board!.meters.filter((m) => m.what === 'step').at(-1)!.meter.compute;
    let mark = panel.writes.length;
    await board.advance(1000); // 00:00 -> 00:01: one digit, 8x16 at scale 3
    assert.deepEqual(windows(mark), [{ x: 156, y: 160, width: 24, height: 48, pixels: 1152 }]);
    const oneDigit = lastStep();
    mark = panel.writes.length;
    await board.advance(9000); // ... 00:09 -> 00:10: two digits, not the colon
    assert.deepEqual(windows(mark).at(-1), { x: 132, y: 160, width: 48, height: 48, pixels: 2304 });
    const twoDigits = lastStep();
    mark = panel.writes.length;
    await board.advance(3590_000); // 59:59 -> 1:00:00 widens the text: the band is redrawn
    const band = lastStep();
    for (const w of windows(mark)) assert.ok(w.y >= 160 && w.y + w.height <= 208, `write ${JSON.stringify(w)} leaves the elapsed rows 160-207`);
    assertShows(board, { kind: 'recording', ground: legalGround(1), elapsedMs: 3_600_000 }, 'lilygo_t_camera_plus_s3-recording-1h');
    if (process.env.CHAINCAM_SIGN_COST) process.stdout.write(`      elapsed update: one digit ${oneDigit}, two digits ${twoDigits}, band redraw ${band} computrons\n`);
    assert.ok(oneDigit < 35_000, `one elapsed-time update cost ${oneDigit} computrons`);
  });

  it('xiao: each second rewrites only the changed columns of page 0', async () => {
    board = await bootSignage('xiao_esp32s3_sense', [{ at: 0, show: { kind: 'recording', ground: 1 } }]);
    const panel = ssd1306Of(board);
    await board.advance(0);
    const mark = panel.writes.length;
    await board.advance(1000);
    // "00:01" is right-aligned: its last digit is columns 120-127 of pages 0 and 1 (rows 0-15).
    assert.deepEqual(panel.writes.slice(mark).map((w) => [w.page, w.column, w.bytes]), [[0, 120, 8], [1, 120, 8]]);
    const cost = board.meters.filter((m) => m.what === 'step').at(-1)!.meter.compute;
    if (process.env.CHAINCAM_SIGN_COST) process.stdout.write(`      elapsed update (SSD1306): ${cost} computrons\n`);
    assert.ok(cost < 35_000, `one elapsed-time update cost ${cost} computrons`);
  });
});

describe('a sign display that does not answer (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());
  const errors = (b: SimulatedBoard) => b.traces.map((t) => t.text.trim());

  it('xiao: an SSD1306 missing at boot is reported through onError, naming the address and pins', async () => {
    board = await bootSignage('xiao_esp32s3_sense', [{ at: 0, show: { kind: 'ready' } }]);
    ssd1306Of(board).answering = false;
    await board.advance(10);
    assert.deepEqual(errors(board), [
      'sign error at 0: SSD1306 display at I2C address 0x3c (data 5, clock 6) did not answer (I2C: no device acknowledged address 0x3c): check that it is connected and powered, and its address (0x3C, some modules 0x3D)',
    ]);
  });

  it('xiao: a display lost while recording is reported once, and a self-test after replugging restores the sign', async () => {
    board = await bootSignage('xiao_esp32s3_sense', [{ at: 0, show: { kind: 'recording', ground: 4 } }, { at: 20_000, selfTest: true }]);
    const panel = ssd1306Of(board);
    await board.advance(5000);
    panel.answering = false;
    await board.advance(10_000);
    assert.deepEqual(errors(board).map((e) => e.replace(/ did not answer.*/, '')), ['sign error at 6000: SSD1306 display at I2C address 0x3c (data 5, clock 6)']);
    panel.answering = true;
    await board.advance(5000);
    assertShows(board, { kind: 'recording', ground: legalGround(4), elapsedMs: 20_000 });
    assert.equal(errors(board).length, 1);
  });

  it('lilygo: with the panel data out wired (identify), an ST7789 that does not answer RDDID is reported', async () => {
    board = await bootSignage('lilygo_t_camera_plus_s3', [{ at: 0, show: { kind: 'ready' } }], { identify: true });
    st7789Of(board).sdoWired = true;
    st7789Of(board).answering = false;
    await board.advance(0);
    assert.match(errors(board)[0]!, /^sign error at \d+: ST7789 display \(SPI select 34, D\/C 45\) did not answer its ID read \(RDDID gave 0x000000\): check the display cable and power/);
  });

  it('lilygo: a wired panel that answers RDDID passes identification and shows the sign', async () => {
    board = await bootSignage('lilygo_t_camera_plus_s3', [{ at: 0, show: { kind: 'ready' } }, { at: 1000, selfTest: true }], { identify: true });
    st7789Of(board).sdoWired = true;
    await board.advance(1000);
    assert.deepEqual(errors(board), []);
    assertShows(board, { kind: 'ready' });
  });

  it('lilygo as wired (no MISO to the panel): a dead ST7789 cannot be heard, so nothing is reported', async () => {
    board = await bootSignage('lilygo_t_camera_plus_s3', [{ at: 0, show: { kind: 'ready' } }, { at: 1000, selfTest: true }]);
    st7789Of(board).answering = false;
    await board.advance(1000);
    assert.deepEqual(errors(board), [], 'the limit of this wiring: see drivers/st7789.ts probe()');
  });
});
