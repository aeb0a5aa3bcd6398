// The camera's trace event sink (firmware/policy/trace-event-sink.ts) in XS: one JSON line an
// event, "event {...}", the board's clock first, then the event's fields as recorded, byte
// arrays as lowercase hex two digits a byte (what the bench and camera-events.ts read).
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

const FIXTURE = 'test/fixtures/firmware/trace-event-sink';

describe('the trace event sink (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  it('traces each event as one JSON line with the clock, its fields, and its bytes in hex', async () => {
    const b = board = await SimulatedBoard.boot({ main: FIXTURE });
    await b.advance(1234);
    const dockId = [0x00, 0x01, 0x0f, 0x10, 0xab, 0xff, 0x7f, 0x80, 0x09, 0xa0, 0x5c, 0xc5, 0xde, 0xad, 0xbe, 0xef];
    const first = await b.command('dock-session', { phase: 2, dockId }) as number;
    await b.advance(1000);
    const second = await b.command('recording-start', { recording: 7 }) as number;
    const lines = b.traces.filter((line) => line.text.startsWith('event ')).map((line) => line.text);
    assert.deepEqual(lines, [
      `event {"t":${first},"type":"dock-session","phase":2,"dockId":"00010f10abff7f8009a05cc5deadbeef"}\n`,
      `event {"t":${second},"type":"recording-start","recording":7,"legalGround":2,"startMode":1}\n`,
    ]);
    assert.ok(first >= 1234 && second >= first + 1000, `the board's clock: ${first}, ${second}`);
    b.throwIfFaulted();
  });
});
