import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { ESP32S3_COMPUTRONS_PER_SECOND } from '../../host-tools/sim/hardware/cpu-model.js';

// The simulated board's CPU is as busy as the firmware makes it: device time advances
// with computrons at the ESP32-S3's rate and with the native work the firmware asks for.
describe('the board CPU: busy firmware delays timers, serial bytes and camera frames (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  const MAIN = 'test/fixtures/firmware/busy-cpu';

  it('a callback that keeps the CPU busy for 2 s of device time delays a due timer by 2 s', async () => {
    board = await SimulatedBoard.boot({ main: MAIN });
    await board.advanceTo(1000);
    const { setAt, blockedUntil } = (await board.command('timer-then-block', { delay: 0, ms: 2000 })) as { setAt: number; blockedUntil: number };
    assert.ok(setAt >= 1000 && setAt < 1010, `the command ran at ${setAt}`);
    assert.ok(blockedUntil - setAt >= 2000, 'the busy loop ran for 2 s of device time');
    await board.advance(100);
    const firings = (await board.command('firings')) as number[];
    assert.equal(firings.length, 1);
    // Due at setAt, it fires only when the thread is free: 2 s of virtual time late.
    assert.ok(firings[0]! - setAt >= 2000 && firings[0]! - setAt <= 2002, `the timer due at ${setAt} fired at ${firings[0]}`);
  });

  it('the same JavaScript work takes twice the device time on a CPU half as fast', async () => {
    const timeOf = async (computronsPerSecond: number) => {
      const b = await SimulatedBoard.boot({ main: MAIN, cpu: { computronsPerSecond } });
      try {
        return ((await b.command('work', { iterations: 200_000 })) as { ms: number }).ms;
      } finally {
        await b.close();
      }
    };
    const fast = await timeOf(ESP32S3_COMPUTRONS_PER_SECOND);
    const slow = await timeOf(ESP32S3_COMPUTRONS_PER_SECOND / 2);
    assert.ok(fast >= 50, `200,000 rounds of a loop take ${fast} ms on the board`);
    assert.ok(Math.abs(slow - 2 * fast) <= 2, `half the rate: ${slow} ms against ${fast} ms`);
  });

  it('serial bytes that arrive while the CPU is busy wait for it', async () => {
    board = await SimulatedBoard.boot({ main: MAIN });
    await board.advanceTo(500);
    const port = board.target.provider.Serial.port!;
    await board.command('block', { ms: 1500 });
    const sentAt = board.now;
    await board.serialReceive(port, new Uint8Array([1, 2, 3]));
    const arrivals = (await board.command('serial-arrivals')) as { at: number; count: number }[];
    assert.equal(arrivals.length, 1);
    assert.ok(arrivals[0]!.at >= 2000, `bytes sent at ${sentAt} were read at ${arrivals[0]!.at}, after the busy 1.5 s`);
  });

  it('a timer already due when the busy thread frees fires before the serial bytes that waited (Moddable: timers, then messages)', async () => {
    board = await SimulatedBoard.boot({ main: MAIN });
    await board.advanceTo(500);
    const port = board.target.provider.Serial.port!;
    const { setAt } = (await board.command('timer-then-block', { delay: 200, ms: 1000 })) as { setAt: number };
    await board.serialReceive(port, new Uint8Array([1]));
    const firings = (await board.command('firings')) as number[];
    const arrivals = (await board.command('serial-arrivals')) as { at: number; timersFiredBefore: number }[];
    assert.equal(firings.length, 1, 'the timer due during the busy second fired without the host advancing the clock');
    assert.ok(firings[0]! >= setAt + 1000, `it fired when the thread was free (${firings[0]}), not when due (${setAt + 200})`);
    assert.equal(arrivals[0]!.timersFiredBefore, 1, 'the serial callback ran after the overdue timer');
    assert.ok(arrivals[0]!.at >= firings[0]!, `bytes read at ${arrivals[0]!.at}, timer at ${firings[0]}`);
  });

  it('frames the sensor captures while the CPU is busy overflow the 3 frame buffers and are counted', async () => {
    board = await SimulatedBoard.boot({ main: MAIN, camera: { sensorFps: 10 } });
    await board.command('camera-start', { everyMs: 100 });
    await board.advanceTo(2000);
    const before = (await board.command('frames-read')) as number;
    assert.equal(board.camera.framesDropped, 0, 'a free CPU reads every frame');
    const { at } = (await board.command('block', { ms: 2000 })) as { at: number };
    assert.equal(at, 4002, 'the poll due at 2001 ran first, then the 2 s block');
    await board.advanceTo(6000);
    const after = (await board.command('frames-read')) as number;
    // The poll due at 2001 read the frame of 2000 before the block: while the CPU was busy from
    // 2002 to 4002 the sensor captured the 20 frames of 2100..4000; 3 buffers held 3, 17 were dropped.
    assert.equal(board.camera.framesDropped, 17);
    // Every frame of the sensor's 60 up to 6000 ms was read or dropped (one still waits).
    assert.equal(after + board.camera.framesDropped, 59);
    assert.equal(after - before, 40 - 17);
  });
});
