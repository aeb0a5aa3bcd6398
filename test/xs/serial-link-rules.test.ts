// The camera's serial link (firmware/dock/serial-link.ts) on the simulated board's dock UART:
// a burst of frames larger than the TX ring is queued and goes out whole and in order as the
// ring drains (onWritable), received bytes reach the session, the session is ticked once a
// second on the board's clock, a replaced session hears nothing more, and close stops the ticks.
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

const FIXTURE = 'test/fixtures/firmware/serial-link-writer';
interface Log { at: number; ticks: number[]; received: number[]; replaced: { ticks: number; received: number }; linkTicks: number }

describe('the serial link on the dock UART (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  async function open(): Promise<{ b: SimulatedBoard; sent: number[]; port: number }> {
    const b = board = await SimulatedBoard.boot({ main: FIXTURE });
    const port = b.target.provider.Serial.port ?? 0;
    const sent: number[] = [];
    b.uart.onTransmit((p, bytes) => { if (p === port) sent.push(...bytes); });
    assert.equal(await b.command('open', { transmitBuffer: 40_000 }), null);
    return { b, sent, port };
  }

  it('queues what the TX ring cannot take and sends it all, in order, as the ring drains', async () => {
    const { b, sent } = await open();
    // 33,200 + 20,000 + 30,000 + 5 bytes: only the first fits the 40,000-byte ring at once.
    const lengths = [33_200, 20_000, 30_000, 5];
    assert.equal(await b.command('send', { lengths }), null);
    assert.ok(sent.length < 40_000, `${sent.length} bytes went at once`);
    await b.advance(1000); // 83,205 bytes at 200,000 bytes a second: about 420 ms
    const expected = lengths.flatMap((n, i) => new Array<number>(n).fill(i + 1));
    assert.equal(sent.length, expected.length);
    assert.ok(sent.every((byte, i) => byte === expected[i]), 'every frame whole, in order');
    // Later frames go out at once while the ring has room.
    assert.equal(await b.command('send', { lengths: [7] }), null);
    await b.advance(10);
    assert.deepEqual(sent.slice(expected.length), new Array(7).fill(1));
    b.throwIfFaulted();
  });

  it('hands what arrives to the session, ticks it each second on the board\'s clock, and a replaced session hears nothing more', async () => {
    const { b, port } = await open();
    const opened = ((await b.command('log')) as Log).at;
    await b.serialReceive(port, Uint8Array.of(1, 2, 3));
    await b.advance(3500);
    let log = (await b.command('log')) as Log;
    assert.deepEqual(log.received, [1, 2, 3]);
    assert.equal(log.ticks.length, 3, 'three ticks in 3.5 s');
    assert.deepEqual(log.ticks.slice(1).map((t, i) => t - log.ticks[i]!), [1000, 1000], 'a second apart');
    assert.ok(log.ticks[0]! > opened - 1000 && log.ticks[0]! <= opened + 1000, `the first ${log.ticks[0]! - opened} ms after the link opened`);
    assert.equal(log.linkTicks, log.at, 'the session\'s ticks() is the board\'s clock');
    await b.serialReceive(port, Uint8Array.of(4));
    assert.equal(await b.command('replace'), null);
    await b.serialReceive(port, Uint8Array.of(5, 6));
    await b.advance(2000);
    log = (await b.command('log')) as Log;
    assert.deepEqual([log.received, log.ticks.length], [[1, 2, 3, 4], 3], 'the first session: nothing more');
    assert.deepEqual(log.replaced, { ticks: 2, received: 2 });
    assert.equal(await b.command('close'), null);
    await b.advance(5000);
    assert.deepEqual(((await b.command('log')) as Log).replaced, { ticks: 2, received: 2 }, 'no tick after close');
    b.throwIfFaulted();
  });
});
