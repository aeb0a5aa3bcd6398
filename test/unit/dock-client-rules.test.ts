// The dock's end of the link (host-tools/dock/dock-client.ts) byte for byte: what it sends, what it
// makes of each reply, how a READ's window is acknowledged, resumed after DATA stops and given up.
// The camera's side is frames encoded by the protocol's own codec (firmware/format), fed in the
// order a camera or a faulty link would; the client's timers are a list the test fires, so a
// timeout happens when the test says nothing came, never because the host was slow.
import assert from 'node:assert/strict';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { decodeDockMessage, encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import { DockClient, DockError } from '../../host-tools/dock/dock-client.js';
import { HeldTimers, outcome } from '../support/held-timers.js';

const WHERE = '/dev/ttyACM7';
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function link(options: { timeoutMs?: number; readRetries?: number } = {}) {
  const timers = new HeldTimers();
  const sent: DockMessage[] = [];
  const reader = new DockFrameReader((payload) => sent.push(decodeDockMessage(payload)), LARGEST_ENCODED);
  const client = new DockClient({ where: WHERE, write: (bytes) => reader.push(bytes), timers, ...options });
  const reply = (m: DockMessage) => client.receive(encodeDockFrame(encodeDockMessage(m)));
  return { client, timers, sent, reply };
}

const data = (offset: number, bytes: number[], object = 2, sequence = 5): DockMessage => ({ type: 'data', object, sequence, offset, data: Uint8Array.from(bytes) });
const helloReply = (window: number): DockMessage => ({
  type: 'hello-reply', version: 1, deviceId: new Uint8Array(16), cameraPublicKey: new Uint8Array(65), cameraNonce: new Uint8Array(32),
  cameraTime: 0, maxData: 4096, window, label: 'cam',
});

describe('the dock client on the link', () => {
  it('sends a request and resolves with the reply of the type it awaits, passing over others and ones accept refuses', async () => {
    const { client, timers, sent, reply } = link({ timeoutMs: 321 });
    let settled: unknown;
    const pending = client.request({ type: 'close' }, 'closed', undefined, (m) => m.chainLength === 77).then((m) => (settled = m));
    assert.deepEqual(sent, [{ type: 'close' }], 'the request went out as one frame');
    assert.deepEqual(timers.delays, [321], 'its reply is awaited for the client\'s timeout');
    reply({ type: 'time-set', previousTime: 1, newTime: 2 });
    reply({ type: 'closed', chainLength: 76 });
    await settle();
    assert.equal(settled, undefined, 'neither another type nor a reply accept refuses answers it');
    reply({ type: 'closed', chainLength: 77 });
    assert.deepEqual(await outcome(pending), { type: 'closed', chainLength: 77 });
    assert.deepEqual(timers.delays, [], 'its timer is cleared');
    // The next request is free to go.
    let answered = false;
    const next = client.request({ type: 'set-time', time: 9 }, 'time-set', 55).then((m) => ((answered = true), m));
    assert.deepEqual(timers.delays, [55], 'a request may name its own timeout');
    reply({ type: 'closed', chainLength: 1 });
    await settle();
    assert.equal(answered, false, 'a reply of another type does not answer it');
    reply({ type: 'time-set', previousTime: 1, newTime: 9 });
    assert.deepEqual(await outcome(next), { type: 'time-set', previousTime: 1, newTime: 9 });
  });

  it('times out a request with nothing back, naming the reply and the wait, and takes the next one', async () => {
    const { client, timers, reply } = link();
    const waiting = client.request({ type: 'list', fromSequence: 0 }, 'list-reply');
    assert.deepEqual(timers.delays, [2000], 'two seconds unless told');
    await assert.rejects(client.request({ type: 'close' }, 'closed'), new Error(`${WHERE}: a list-reply is still awaited`));
    timers.fire();
    await assert.rejects(outcome(waiting), new Error(`${WHERE}: no list-reply from the camera within 2000 ms (is a camera docked on this port?)`));
    const next = client.request({ type: 'close' }, 'closed');
    reply({ type: 'closed', chainLength: 3 });
    assert.deepEqual(await outcome(next), { type: 'closed', chainLength: 3 });
  });

  it('an ERROR reply rejects the request with the camera\'s code, request type and text', async () => {
    const { client, timers, reply } = link();
    const waiting = client.request({ type: 'set-time', time: 1 }, 'time-set');
    reply({ type: 'error', code: 3, requestType: 0x07, message: 'clock refused' });
    const error = await outcome(waiting).catch((e: unknown) => e);
    assert.ok(error instanceof DockError);
    assert.deepEqual([error.message, error.code, error.requestType], [`${WHERE}: camera refused 0x07: clock refused`, 3, 0x07]);
    assert.deepEqual(timers.delays, [], 'its timer is cleared');
    const next = client.request({ type: 'close' }, 'closed');
    reply({ type: 'error', code: 1, requestType: 0x8a, message: 'x' });
    await assert.rejects(outcome(next), (e: unknown) => e instanceof DockError && e.message === `${WHERE}: camera refused 0x8a: x`);
  });

  it('a frame that passes its CRC but is no message is noise; garbage is counted as discarded', async () => {
    const { client, reply } = link();
    const waiting = client.request({ type: 'close' }, 'closed');
    client.receive(encodeDockFrame(Uint8Array.of(0x6e, 1, 2)));
    assert.equal(client.discardedFrames, 0);
    client.receive(Uint8Array.of(5, 1, 2, 3, 0));
    assert.equal(client.discardedFrames, 1);
    reply({ type: 'closed', chainLength: 1 });
    assert.deepEqual(await outcome(waiting), { type: 'closed', chainLength: 1 });
  });

  it('reads a range: one READ, the DATA written in order at its offsets, an ACK per half window and at the end', async () => {
    const { client, timers, sent, reply } = link();
    reply(helloReply(4));
    reply({ type: 'time-set', previousTime: 1, newTime: 2 }); // unasked for: changes nothing
    const written: [number, number[]][] = [];
    const progress: number[] = [];
    let done = false;
    const reading = client.read(2, 5, 10, 20, (d, at) => written.push([at, [...d]]), (next) => progress.push(next)).then(() => (done = true));
    assert.deepEqual(sent, [{ type: 'read', object: 2, sequence: 5, offset: 10, length: 10 }]);
    assert.deepEqual(timers.delays, [2000]);
    reply(data(10, [1, 2, 3]));
    reply(data(13, [9], 1)); // another object
    reply(data(13, [9], 2, 6)); // another segment
    reply(data(14, [9])); // not the next offset
    assert.equal(sent.length, 1, 'half a window (2 frames) not reached: no ACK yet');
    reply(data(13, [4, 5]));
    assert.deepEqual(sent.at(-1), { type: 'ack', object: 2, sequence: 5, nextOffset: 15 });
    reply(data(15, [6]));
    assert.equal(sent.length, 2);
    reply(data(16, [7, 8, 9, 10, 11, 12])); // past the end: only what was asked is kept
    await outcome(reading);
    assert.ok(done);
    assert.deepEqual(written, [[10, [1, 2, 3]], [13, [4, 5]], [15, [6]], [16, [7, 8, 9, 10]]]);
    assert.deepEqual(progress, [13, 15, 16, 20]);
    assert.deepEqual(sent.at(-1), { type: 'ack', object: 2, sequence: 5, nextOffset: 20 }, 'the end is acknowledged');
    assert.equal(sent.length, 3);
    assert.deepEqual(timers.delays, [], 'no timer left');
  });

  it('a window of 0 or 1 acknowledges every DATA frame', async () => {
    for (const window of [0, 1]) {
      const { client, sent, reply } = link();
      reply(helloReply(window));
      const reading = client.read(1, 0, 0, 3, () => undefined);
      reply(data(0, [1], 1, 0));
      reply(data(1, [2], 1, 0));
      assert.deepEqual(sent.slice(1).map((m) => (m as { nextOffset: number }).nextOffset), [1, 2], `window ${window}`);
      reply(data(2, [3], 1, 0));
      await outcome(reading);
    }
  });

  it('without a HELLO-REPLY the window is 8: an ACK every 4 frames', async () => {
    const { client, sent, reply } = link();
    const reading = client.read(1, 0, 0, 9, () => undefined);
    for (let i = 0; i < 9; i++) reply(data(i, [i], 1, 0));
    await outcome(reading);
    assert.deepEqual(sent.slice(1).map((m) => (m as { nextOffset: number }).nextOffset), [4, 8, 9]);
  });

  it('an empty range resolves at once without a READ', async () => {
    const { client, sent } = link();
    await outcome(client.read(2, 1, 7, 7, () => assert.fail('nothing to write')));
    await outcome(client.read(2, 1, 8, 7, () => assert.fail('nothing to write')));
    assert.deepEqual(sent, []);
  });

  it('when DATA stops, READs again from the next offset; gives up after its retries at one offset, naming it', async () => {
    const { client, timers, sent, reply } = link({ readRetries: 2, timeoutMs: 40 });
    const reading = client.read(2, 5, 0, 10, () => undefined);
    reply(data(0, [1, 2, 3]));
    assert.deepEqual(timers.delays, [40], 'each DATA re-arms the wait');
    timers.fire();
    assert.deepEqual(sent.at(-1), { type: 'read', object: 2, sequence: 5, offset: 3, length: 7 });
    reply(data(3, [4])); // progress: the retries start over
    timers.fire();
    timers.fire();
    timers.fire();
    timers.fire();
    assert.deepEqual(sent.filter((m) => m.type === 'read').map((m) => (m as { offset: number }).offset), [0, 3, 4, 4, 4], 'at offset 4: asked, then 2 retries');
    await assert.rejects(outcome(reading), new Error(`${WHERE}: the camera stopped sending object 2/5 at offset 4 of 10 (link lost?)`));
    assert.deepEqual(timers.delays, [], 'nothing is left armed');
  });

  it('counts the retries from the first READ, wherever the range starts', async () => {
    for (const offset of [0, 1, 7]) {
      const { client, timers, sent } = link({ readRetries: 1 });
      const reading = client.read(1, 0, offset, 10, () => undefined);
      timers.fire();
      assert.equal(sent.length, 2, `from ${offset}: the READ and its one retry`);
      timers.fire();
      await assert.rejects(outcome(reading), new RegExp(`at offset ${offset} of 10`));
    }
  });

  it('retries 3 times by default', async () => {
    const { client, timers, sent } = link();
    const reading = client.read(1, 0, 0, 10, () => undefined);
    for (let i = 0; i < 4; i++) timers.fire();
    await assert.rejects(outcome(reading), /stopped sending object 1\/0 at offset 0 of 10/);
    assert.equal(sent.length, 4, 'the READ and 3 retries');
  });

  it('a write that fails fails the read with its error, and nothing is acknowledged', async () => {
    const { client, sent, reply, timers } = link();
    const full = new Error('disk full');
    const reading = client.read(2, 5, 0, 2, () => { throw full; });
    reply(data(0, [1, 2]));
    await assert.rejects(outcome(reading), (e) => e === full);
    assert.deepEqual(sent.map((m) => m.type), ['read']);
    assert.deepEqual(timers.delays, []);
  });

  it('an ERROR with nothing waiting is dropped', () => {
    const { client, reply } = link();
    reply({ type: 'error', code: 2, requestType: 0x05, message: 'late' });
    client.receive(encodeDockFrame(encodeDockMessage({ type: 'closed', chainLength: 1 })));
  });

  it('an ERROR during a read fails the read with it', async () => {
    const { client, reply, timers } = link();
    const reading = client.read(2, 9, 0, 2, () => undefined);
    reply({ type: 'error', code: 4, requestType: 0x04, message: 'no held segment with record sequence 9' });
    await assert.rejects(outcome(reading), (e: unknown) => e instanceof DockError && e.code === 4 && /camera refused 0x04: no held segment/.test(e.message));
    assert.deepEqual(timers.delays, []);
  });

  it('a link that fails rejects what waits and everything after, with its error', async () => {
    for (const what of ['request', 'read'] as const) {
      const { client, timers } = link();
      const pulled = new Error('cable pulled');
      const waiting: Promise<unknown> = what === 'request' ? client.request({ type: 'close' }, 'closed') : client.read(1, 0, 0, 5, () => undefined);
      client.fail(pulled);
      await assert.rejects(outcome(waiting), (e) => e === pulled);
      assert.deepEqual(timers.delays, [], 'its timer is cleared');
      await assert.rejects(client.request({ type: 'close' }, 'closed'), (e) => e === pulled);
      await assert.rejects(client.read(1, 0, 0, 5, () => undefined), (e) => e === pulled);
    }
  });

  it('on the host\'s own timers, a request with no reply times out', async () => {
    const sent: Uint8Array[] = [];
    const client = new DockClient({ where: WHERE, write: (b) => sent.push(b), timeoutMs: 1 });
    await assert.rejects(client.request({ type: 'close' }, 'closed'), /no closed from the camera within 1 ms/);
    // An answered request's host timer is cleared: when its 1 ms would have run out (a timer set
    // later for longer fires after it, whatever the load), the next request still takes its reply.
    let camera!: DockClient;
    const replies: (() => void)[] = [];
    const closed = encodeDockFrame(encodeDockMessage({ type: 'closed', chainLength: 0 }));
    camera = new DockClient({ where: WHERE, timeoutMs: 1, write: () => { replies.push(() => camera.receive(closed)); } });
    const first = camera.request({ type: 'close' }, 'closed');
    replies.shift()!();
    assert.deepEqual(await first, { type: 'closed', chainLength: 0 });
    const second = camera.request({ type: 'close' }, 'closed', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    replies.shift()!();
    assert.deepEqual(await outcome(second), { type: 'closed', chainLength: 0 });
    const answered = new DockClient({ where: WHERE, write: () => queueMicrotask(() => answered.receive(encodeDockFrame(encodeDockMessage({ type: 'closed', chainLength: 2 })))) });
    assert.deepEqual(await answered.request({ type: 'close' }, 'closed'), { type: 'closed', chainLength: 2 });
  });
});
