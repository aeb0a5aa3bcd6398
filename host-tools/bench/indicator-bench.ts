// The indicator bench on the simulated board: the camera's real firmware, driven through its
// button the way a bench tester would, with every notice requirement measured from what the
// hardware models saw (pins, PWM, the sign's panel). The sequence is bench-sequence.ts.
import type { CpuModelOptions } from '../sim/hardware/cpu-model.js';
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import { SimulatedBoard } from '../sim/board.js';
import { signPanel, signWrites } from '../sim/peripherals.js';
import { expectedLit, expectedPixels, firstDifference } from '../sim/sign-render.js';
import { Ssd1306Panel } from '../sim/hardware/ssd1306-panel.js';
import { boardTarget } from '../sim/targets.js';
import { LIMITS, type BenchCamera, type BenchEvent, type MeasurementBasis, type Requirement, type SignCheck } from './bench-camera.js';
import { runBenchSequence, startOnGround, type BenchSequenceResult } from './bench-sequence.js';

export { LIMITS, type BenchEvent, type Requirement } from './bench-camera.js';

export interface BenchRun extends BenchSequenceResult {
  target: string;
  /** The main run, kept open for pictures; close it when done. */
  board: SimulatedBoard;
  camera: BenchCamera;
  events: BenchEvent[];
}

// The bench tests notice, not video: the camera records small synthetic frames once a
// second, so a 30-minute reminder run stays quick (capture has its own tests and benches).
// Its footage goes to a card-sized flash: 8 kHz audio alone (16 KB/s) fills the LILYGO's
// 11.9 MiB storage partition in about 12 minutes, and footage belongs on the microSD card.
const CARD_BYTES = 32 * 1024 ** 3;
export function benchBoot(target: string | undefined, options: { prepare?: (board: SimulatedBoard) => void; storage?: string; cpu?: CpuModelOptions; config?: Record<string, unknown> } = {}): Promise<SimulatedBoard> {
  const chaincam = (boardTarget(target).config as Record<string, any>).chaincam;
  return SimulatedBoard.boot({
    target,
    prepare: options.prepare,
    cpu: options.cpu,
    storage: { dir: options.storage, capacityBytes: CARD_BYTES },
    camera: { frameBytes: 2000 },
    config: { ...options.config, chaincam: { ...chaincam, capture: { ...chaincam.capture, width: 160, height: 120, fps: 1, segmentSeconds: 60 } } },
  });
}

export function eventsOf(board: SimulatedBoard): BenchEvent[] {
  return board.traces.filter((l) => l.text.startsWith('event ')).map((l) => JSON.parse(l.text.slice(6)) as BenchEvent);
}

/** Compares the panel's glass with the screen drawn from the firmware's own layout. */
export function signShows(board: SimulatedBoard, screen: SignScreen): string | undefined {
  const panel = signPanel(board);
  if (!panel) return 'this board has no sign panel';
  // The screens are laid out above a recording lamp strip (config.board.lamp); the strip is the light's, not the sign's.
  const lamp = (board.target.config.board as { lamp?: { height?: number } } | undefined)?.lamp?.height ?? 0;
  const size = { width: panel.width, height: panel.height - lamp };
  if (panel instanceof Ssd1306Panel) return firstDifference(panel.visible(), expectedLit(screen, size), panel.width);
  return firstDifference(panel.visible(), expectedPixels(screen, size), panel.width);
}

const SIM_BASIS: MeasurementBasis = {
  timing: "measured on the simulated board's pins, PWM and panel bus",
  signContent: "the panel's glass (decoded from the driver's bus bytes)",
  signMatch: 'pixel-exact',
  selfTest: 'power-on',
};

/** The simulated board as the bench sees it; the power-on self-test ran at boot. */
export class SimulatedBenchCamera implements BenchCamera {
  readonly basis = SIM_BASIS;
  readonly board: SimulatedBoard;

  constructor(board: SimulatedBoard) {
    this.board = board;
  }

  get target(): string {
    return this.board.target.name;
  }

  get now(): number {
    return this.board.now;
  }

  async selfTest(): Promise<number> {
    return 0;
  }

  lastPress: { down: number; up: number } | undefined;

  async press(holdMs: number): Promise<void> {
    const down = this.board.now;
    await this.board.press('button', holdMs);
    this.lastPress = { down, up: down + holdMs };
  }

  async presses(holds: number[], gapMs: number): Promise<void> {
    for (const [i, holdMs] of holds.entries()) {
      if (i > 0) await this.board.advance(gapMs);
      await this.press(holdMs);
    }
  }

  waitUntil(t: number): Promise<void> {
    return this.board.advanceTo(t);
  }

  events(): BenchEvent[] {
    return eventsOf(this.board);
  }

  ledOnAt(from: number): number | undefined {
    const lit = (this.board.target.config.board as { ledActiveLow?: boolean }).ledActiveLow ? 0 : 1;
    // Driven lit: a write of the lit level, even onto an LED already lit by the pattern before.
    return this.board.timeline.drivenAt('led', from, lit);
  }

  toneOnsets(from: number): { t: number; hz: number }[] {
    return this.board.timeline.toneOnsets(from);
  }

  lightStartupMs(from: number): number | undefined {
    if (!(this.board.target.config.board as { lamp?: unknown } | undefined)?.lamp) return undefined;
    const first = signPanel(this.board)?.writes.find((w) => w.t >= from);
    return first && first.t - from;
  }

  signDraws(): number[] {
    return signWrites(this.board);
  }

  /** When main finished booting: the sign's start-up waits come first. */
  readyShownAt(from: number): number {
    return this.board.traces.find((l) => l.t >= from && /ready \(profile/.test(l.text))?.t ?? Number.NaN;
  }

  signShows(screen: SignScreen): SignCheck {
    const diff = signShows(this.board, screen);
    return { ok: !diff, measured: diff ? `differs at ${diff}` : 'pixel-exact' };
  }

  signFrame(): Buffer | undefined {
    return signPanel(this.board)?.png();
  }

  failureRows(): Promise<Requirement[]> {
    return failureRows(this.board.target.name);
  }

  picture() {
    return { timeline: this.board.timeline, signWrites: this.signDraws(), events: this.events(), source: 'simulated board' };
  }
}

export async function runIndicatorBench(options: { target?: string; reminderMinutes?: number; prepare?: (board: SimulatedBoard) => void } = {}): Promise<BenchRun> {
  const board = await benchBoot(options.target, { prepare: options.prepare });
  try {
    const camera = new SimulatedBenchCamera(board);
    const result = await runBenchSequence(camera, { reminderMinutes: options.reminderMinutes });
    return { ...result, target: board.target.name, board, camera, events: camera.events() };
  } catch (error) {
    await board.close();
    throw error;
  }
}

/** A dead channel at a start: detected and on the record before capture may keep a frame. */
async function failureRows(target: string): Promise<Requirement[]> {
  const rows: Requirement[] = [];
  const parts = boardTarget(target).config.board as { speaker?: unknown; lamp?: unknown } | undefined;
  const speaker = parts?.speaker !== undefined;
  const cases: { id: string; channel: string; bit: number; inject: (b: SimulatedBoard) => boolean; cannot?: string; why?: string }[] = [
    parts?.lamp !== undefined
      ? { id: 'fail.led', channel: 'recording lamp', bit: 1, inject: () => false, cannot: 'the recording light is a lamp drawn on the ST7789 sign, which has no MISO line: a dead panel (lamp and sign alike) cannot be heard; the bench tester must look at it' }
      : { id: 'fail.led', channel: 'LED', bit: 1, inject: (b) => (b.injectLightFault(), true) },
    speaker
      // An I2S amplifier has no status: the driver sees only whether the output takes samples.
      ? { id: 'fail.tone', channel: 'speaker (stalled I2S output)', bit: 2, inject: (b) => (b.injectSoundFault(), true), why: "the speaker driver's probe tone was not clocked out by its deadline (pipeline + 20 ms), and the notice controller recorded it; a dead amplifier or speaker on a running I2S clock cannot be detected: listen" }
      : { id: 'fail.tone', channel: 'buzzer', bit: 2, inject: (b) => (b.injectSoundFault(), true) },
    {
      id: 'fail.sign',
      channel: 'sign',
      bit: 4,
      inject: (b) => {
        const panel = signPanel(b);
        if (!panel) return false;
        panel.answering = false;
        return panel instanceof Ssd1306Panel;
      },
      cannot: 'the ST7789 on this board has no MISO line, so a dead panel cannot be heard; the bench tester must look at it',
    },
  ];
  for (const c of cases) {
    const board = await benchBoot(target);
    try {
      await board.advance(500);
      const detectable = c.inject(board);
      const camera = new SimulatedBenchCamera(board);
      const before = camera.events().length;
      await startOnGround(camera, 1);
      // A failure found after the start (an I2S speaker's overdue probe) still has the limit's time.
      await board.advance(LIMITS.ledMs);
      const fresh = camera.events().slice(before);
      const start = fresh.find((e) => e.type === 'recording-start')!;
      const failure = fresh.find((e) => e.type === 'notice-failure' && e.recording === start.recording && ((e.failedIndicators as number) & c.bit) !== 0);
      if (!detectable) {
        rows.push({ id: c.id, requirement: `a dead ${c.channel} is detected and recorded`, measured: failure ? 'recorded' : 'not detectable', limit: 'recorded at the start', pass: failure ? true : null, why: c.cannot ?? 'not detectable' });
        continue;
      }
      const ordered = failure && fresh.indexOf(failure) > fresh.indexOf(start);
      rows.push({
        id: c.id,
        requirement: `a dead ${c.channel} is detected and recorded`,
        measured: failure ? `notice-failure at +${failure.t - start.t} ms: ${String(failure.text)}` : 'not recorded',
        limit: 'recorded at the start, reason 1',
        pass: !!failure && !!ordered && failure.t - start.t <= LIMITS.ledMs && failure.noticeReason === 1,
        why: c.why ?? 'the driver error reached the notice controller, which recorded it before capture got its token',
      });
    } finally {
      await board.close();
    }
  }
  return rows;
}
