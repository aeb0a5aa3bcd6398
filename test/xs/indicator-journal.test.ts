// The indicator journal and the bench commands, with firmware/main in XS on the simulated
// board and the bench station on its UART: what the camera reports is what its pins, PWM and
// sign panel did (the reason `chaincam bench --port` can be trusted), a bench command needs an
// authenticated dock, and a bench press is an officer's press.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_COMMAND, BENCH_STATUS, JOURNAL_FLAG, JOURNAL_KIND, encodePressArgument } from '../../firmware/format/bench-messages.js';
import { DOCK_ERROR, DOCK_PROTOCOL_VERSION } from '../../firmware/format/dock-messages.js';
import { BenchLink } from '../../host-tools/bench/bench-link.js';
import { CameraJournal, reportedSignScreen } from '../../host-tools/bench/camera-journal.js';
import { eventsOf, signShows } from '../../host-tools/bench/indicator-bench.js';
import { PortBenchCamera } from '../../host-tools/bench/port-bench.js';
import { DockError } from '../../host-tools/dock/dock-client.js';
import { signPanel, signWrites } from '../../host-tools/sim/peripherals.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { bootBenchBoard, collectJournal, type BenchBoard } from '../support/bench-board.js';
import { attachDock, hostPort, type DockCable } from '../support/dock-harness.js';

/** Level changes, starting dark (the LED driver's constructor writes dark). */
/** LED level changes from the journal's writes; the driver starts the LED dark when it opens the pin. */
function transitions(writes: { t: number; lit: boolean }[], openedAt: number): { t: number; level: number }[] {
  const out = [{ t: openedAt, level: 0 }];
  for (const w of writes) if (out.at(-1)!.level !== Number(w.lit)) out.push({ t: w.t, level: Number(w.lit) });
  return out;
}

/** Each sounding as [from, to, hz], from the board's sound (the LILYGO's I2S speaker model). */
function boardSoundings(board: SimulatedBoard): [number, number, number][] {
  const sound = board.timeline.sound();
  return sound.flatMap((e, i) => (e.hz > 0 ? [[e.t, sound[i + 1]?.t ?? Infinity, e.hz] as [number, number, number]] : []));
}

/** Each sounding as [from, to, hz], from the journal: a tone lasts until the next tone entry. */
function journalSoundings(journal: CameraJournal): [number, number, number][] {
  const tones = journal.toneWrites();
  return tones.flatMap((w, i) => (w.hz > 0 ? [[w.t, tones[i + 1]?.t ?? Infinity, w.hz] as [number, number, number]] : []));
}

describe('indicator journal and bench commands (firmware/main in XS)', function () {
  let camera: BenchBoard | undefined;
  let cable: DockCable;
  let link: BenchLink;
  afterEach(async () => {
    await camera?.close();
    camera = undefined;
  });

  async function boot(options: Parameters<typeof bootBenchBoard>[0] = {}): Promise<SimulatedBoard> {
    camera = await bootBenchBoard(options);
    cable = attachDock(camera.board);
    link = new BenchLink(cable.client);
    return camera.board;
  }

  const press = async (board: SimulatedBoard, holdMs: number, gapMs: number) => {
    await link.press(holdMs);
    await board.advance(holdMs + gapMs);
  };

  it("reports exactly the light's levels, tones, sign draws and events the board's lamp, speaker and panel saw", async () => {
    // To the millisecond on an ideal CPU: at the ESP32-S3's rate the journal's tick is taken as the
    // firmware tells a driver, and the pin moves when the driver's call reaches it, up to 1 ms later.
    const board = await boot({ cpu: IDEAL_CPU });
    await link.authenticate(hostPort, camera!.key);
    const journal = new CameraJournal(0);
    await link.selfTest();
    await board.advance(500);
    for (let i = 0; i < 2; i++) await press(board, 100, 300); // choose ground 2
    await press(board, 1200, 1000); // start on it
    for (let i = 0; i < 15; i++) {
      await board.advance(10_000); // 2.5 minutes: a reminder, 150 elapsed-time redraws
      await collectJournal(link, journal); // (and within the dock session's 30 s idle timeout)
    }
    await press(board, 100, 500); // offer a ground to change to: the choice screen
    await board.advance(11_000); // left alone, the choice ends
    await collectJournal(link, journal);
    const reported = reportedSignScreen(journal.screenAt(board.now)!);
    assert.equal(reported?.kind, 'recording');
    assert.equal(signShows(board, reported!), undefined, 'the screen the camera reports is the one on the glass, pixel for pixel');
    await press(board, 3500, 2000); // stop
    await collectJournal(link, journal);

    // The LILYGO's light is the lamp strip on its sign, read from the glass. Its first write (the
    // power-on self-test) opens the panel, 241 ms of datasheet waits: the journal stamps that write
    // when the firmware made it, the glass when it could show it. From then on they agree to the ms.
    const glass = board.timeline.levels('led');
    const up = glass[0]!.t;
    assert.equal(up, 241);
    assert.deepEqual(transitions(journal.ledWrites(), 0).filter((e) => e.t > up), glass.filter((e) => e.t > up), 'light level changes');
    assert.ok(glass.filter((e) => e.t > up).length > 100, 'a long blink pattern was compared');
    assert.deepEqual(journalSoundings(journal), boardSoundings(board), 'buzzer tones: onset, end and pitch');
    const panelTimes = [...new Set(signWrites(board))]; // not the lamp strip's
    assert.deepEqual([...new Set(journal.signDraws())], panelTimes, 'sign draws');
    const kinds = ['recording-start', 'recording-stop', 'notice-failure', 'ground-unconfirmed', 'ground-change'];
    const traced = eventsOf(board).filter((e) => kinds.includes(e.type)).map((e) => [e.t, e.type, e.recording]);
    assert.deepEqual(journal.events().map((e) => [e.t, e.type, e.recording]), traced, 'recorder events');
    assert.ok(journalSoundings(journal).filter(([, , hz]) => hz === 1320).length >= 4, 'start, reminder and stop tones were compared');
    assert.ok(journal.entries.length > 400, `a long journal was compared (${journal.entries.length} entries)`);
  });

  it('answers a bench command before authentication with ERROR 2 and changes nothing', async () => {
    const board = await boot();
    await board.advance(1000);
    const chain = () => fs.readFileSync(path.join(camera!.flash, 'chain.log'));
    const chainBefore = chain();
    const bench = (command: number, argument: Uint8Array = new Uint8Array(0)) => cable.client.request({ type: 'bench', command, argument }, 'bench-reply');
    const refused = async (why: string) => {
      const commands: [number, Uint8Array][] = [[BENCH_COMMAND.press, encodePressArgument(1200)], [BENCH_COMMAND.selfTest, new Uint8Array(0)], [BENCH_COMMAND.status, new Uint8Array(0)], [BENCH_COMMAND.journal, new Uint8Array(4)]];
      for (const [command, argument] of commands) {
        await assert.rejects(bench(command, argument), (e: unknown) => e instanceof DockError && e.code === DOCK_ERROR.notAuthenticated && /not authenticated/.test(e.message), `${why}: command ${command}`);
      }
    };
    await refused('no HELLO');
    await cable.client.request({ type: 'hello', version: DOCK_PROTOCOL_VERSION, dockNonce: new Uint8Array(32) }, 'hello-reply');
    await refused('HELLO without AUTH');
    await board.advance(3000); // long enough for any injected press to have started a recording
    assert.deepEqual(eventsOf(board).filter((e) => e.type !== 'power-on').map((e) => e.type), [], 'no recording, no self-test failure');
    assert.deepEqual(chain(), chainBefore, 'nothing was appended to the chain');
    await link.authenticate(hostPort, camera!.key);
    const status = await link.status();
    assert.equal(status.recorderState, 'ready');
    const journal = new CameraJournal(0);
    await collectJournal(link, journal);
    const afterBoot = journal.entries.filter((e) => e.t > 500);
    assert.deepEqual([...new Set(afterBoot.map((e) => e.kind))], [JOURNAL_KIND.led], 'after boot, only the ready blink');
  });

  it('a bench press is an officer press: taps choose the ground, a long press starts, a 3.5 s hold stops', async () => {
    const board = await boot();
    await link.authenticate(hostPort, camera!.key);
    await board.advance(500);
    const journal = new CameraJournal((await link.status()).journalNext);
    for (let i = 0; i < 3; i++) await press(board, 100, 300);
    await link.press(1200);
    await assert.rejects(link.press(100), /refused bench press: the button is already pressed/);
    await board.advance(1300);
    await assert.rejects(link.selfTest(), /refused bench self-test: .*recording/);
    await press(board, 3500, 500);
    await collectJournal(link, journal);
    assert.deepEqual(journal.events().map((e) => [e.type, e.legalGround ?? e.stopReason, e.startMode]), [['recording-start', 3, 1], ['recording-stop', 1, undefined]]);
    const choices = journal.entries.filter((e) => e.kind === JOURNAL_KIND.sign && e.a === 5).map((e) => e.b);
    assert.deepEqual(choices, [1, 2, 3], 'the sign offered grounds 1, 2, 3');
  });

  it("a press sequence keeps its rhythm on the camera's clock, however late the host comes back: two taps then a long press start on ground 2", async () => {
    const board = await boot();
    await link.authenticate(hostPort, camera!.key);
    await board.advance(500);
    const journal = new CameraJournal((await link.status()).journalNext);
    const at = await link.press(100, [{ gapMs: 300, holdMs: 100 }, { gapMs: 300, holdMs: 1200 }]);
    await assert.rejects(link.press(100), /refused bench press: the button is already pressed/);
    await board.advance(600); // mid-sequence: between the second tap and the long press
    await assert.rejects(link.press(100), /refused bench press: the button is already pressed \(a press sequence is still running\)/);
    await board.advance(30_000); // the host is away far longer than the sequence: nothing stretches
    await collectJournal(link, journal);
    const [start] = journal.events();
    assert.deepEqual([start?.type, start?.legalGround, start?.startMode], ['recording-start', 2, 1]);
    const choices = journal.entries.filter((e) => e.kind === JOURNAL_KIND.sign && e.a === 5).map((e) => e.b);
    assert.deepEqual(choices, [1, 2], 'the sign offered grounds 1 and 2');
    assert.ok(start!.t >= journal.unwrap(at) + 100 + 300 + 100 + 300 + 1200, `started at the long press's release (${start!.t - journal.unwrap(at)} ms after the first tap)`);
    await link.press(3500);
    await board.advance(4000);
  });

  it('after a failed run, the bench stops the recording it left running', async () => {
    const board = await boot();
    await link.authenticate(hostPort, camera!.key);
    let pumping = true;
    const pump = (async () => {
      while (pumping) {
        // The camera's clock runs while the bench waits on it, at most 20 times real time (as
        // `sim --serial --speed 20`): the camera's 30 s idle timeout then needs the host to stall
        // 1.5 s, where yielding with setImmediate let a loaded host's pauses run unbounded camera time.
        await board.advance(20);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    try {
      const bench = await PortBenchCamera.connect(link);
      await bench.press(1200); // an emergency start, then the sequence fails
      assert.equal((await link.status()).recorderState, 'recording');
      await bench.leaveReady();
      assert.equal((await link.status()).recorderState, 'ready');
      assert.deepEqual(bench.events().map((e) => e.type), ['recording-start', 'recording-stop']);
    } finally {
      pumping = false;
      await pump;
    }
  });

  it('refuses bad arguments and unknown commands with a status that says what was wrong, and says when the session ended', async () => {
    await boot();
    await link.authenticate(hostPort, camera!.key);
    const reply = (command: number, argument: Uint8Array) => cable.client.request({ type: 'bench', command, argument }, 'bench-reply');
    const zeroPress = await reply(BENCH_COMMAND.press, new Uint8Array([0, 0]));
    assert.equal(zeroPress.status, BENCH_STATUS.badArgument);
    assert.match(new TextDecoder().decode(zeroPress.result), /holds the button 1-60000 ms, not 0/);
    assert.equal((await reply(BENCH_COMMAND.status, new Uint8Array([1]))).status, BENCH_STATUS.badArgument);
    assert.equal((await reply(BENCH_COMMAND.journal, new Uint8Array([1, 2]))).status, BENCH_STATUS.badArgument);
    const unknown = await reply(0x7e, new Uint8Array(0));
    assert.equal(unknown.status, BENCH_STATUS.unknownCommand);
    assert.deepEqual(Array.from((await reply(BENCH_COMMAND.echo, new Uint8Array([9, 8]))).result), [9, 8], 'echo still answers');
    await camera!.board.advance(31_000); // a bench that went quiet: the camera closes the session
    await assert.rejects(link.status(), /not authenticated: the camera ended the bench session before bench status \(it restarted, or heard nothing for 30 s\); run the bench again/);
  });

  it('journals a driver that threw, and says when the ring overwrote entries the bench had not read', async () => {
    // The XIAO's PWM buzzer throws when its LEDC channel cannot be opened (the LILYGO's I2S speaker
    // reports a stalled output later, from its probe: notice-failures.test.ts).
    const board = await boot({ target: 'xiao_esp32s3_sense', prepare: (b) => b.injectSoundFault() });
    await link.authenticate(hostPort, camera!.key);
    const journal = new CameraJournal(0);
    await collectJournal(link, journal);
    const tone = journal.entries.find((e) => e.kind === JOURNAL_KIND.tone)!;
    assert.equal(tone.value, 2000, 'the self-test chirp was sent to the buzzer');
    assert.equal(tone.flags & JOURNAL_FLAG.driverFailed, JOURNAL_FLAG.driverFailed, 'and its driver threw');
    assert.deepEqual(journal.events().filter((e) => e.type === 'notice-failure').map((e) => e.failedIndicators), [2]);
    assert.deepEqual(journal.toneWrites(), [], 'no tone reached the hardware');

    await press(board, 1200, 0); // an emergency start: LED blinks and the elapsed time fill the ring
    for (let i = 0; i < 12; i++) {
      await board.advance(10_000);
      await link.status(); // keeps the session alive, reads no entries
    }
    const stale = new CameraJournal(journal.next);
    await assert.rejects(collectJournal(link, stale), /overwrote entries \d+-\d+ before the bench read them/);
  });

  it('keeps an entry for about 160 computrons and allocates nothing per entry', async () => {
    const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/journal-workout' });
    try {
      const heapGrowth = async (count: number) => {
        const before = board.meters.at(-1)!.meter.currentHeapCount;
        await board.command('record', { count });
        const after = board.meters.at(-1)!.meter;
        return { heap: after.currentHeapCount - before, compute: after.compute };
      };
      const few = await heapGrowth(10);
      const many = await heapGrowth(10_010);
      assert.equal(many.heap, few.heap, '10,000 more entries, no more heap');
      const perEntry = (many.compute - few.compute) / 10_000;
      assert.ok(perEntry < 250, `${perEntry} computrons per entry`);
      const page = (await board.command('page', { from: 0 })) as number[];
      assert.equal(page.length, 9 + 20 * 12, 'a page is full at 20 entries (a BENCH-REPLY result holds 255 bytes)');
    } finally {
      await board.close();
    }
  });
});
