// The pty pair the dock tests and the shift runner use as a USB-serial cable
// (host-tools/dock/pty-pair.ts): two real kernel pseudo-terminals joined by socat, raw both ways;
// closed, or at the process's exit, socat ends and a folder it made is removed, a folder it was
// given is kept for the same paths again; a missing socat, or one that cannot make its links,
// is named.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ptyPair, type PtyPair } from '../../host-tools/dock/pty-pair.js';
import { openSerialPort } from '../../host-tools/serial/open-serial-port.js';

/** Every byte value, twice, as one write: a cooked or echoing tty would change or add some. */
const ALL_BYTES = Buffer.from([...Array(512).keys()].map((i) => i % 256));

/** What `to` receives until it has `count` bytes, after `from` wrote `bytes`. */
async function across(from: string, to: string, bytes: Buffer): Promise<{ received: Buffer; echoed: Buffer }> {
  const [writer, reader] = [await openSerialPort(from, 2_000_000), await openSerialPort(to, 2_000_000)];
  const received: Buffer[] = [];
  const echoed: Buffer[] = [];
  writer.on('data', (d: Buffer) => echoed.push(d));
  try {
    await new Promise<void>((resolve) => {
      reader.on('data', (d: Buffer) => {
        received.push(d);
        if (Buffer.concat(received).length >= bytes.length) resolve();
      });
      writer.write(bytes);
    });
    // What the reader sends back marks the end of anything the writer's side could have echoed.
    await new Promise<void>((resolve) => {
      writer.on('data', (d: Buffer) => { if (d.includes(0x7e)) resolve(); });
      reader.write(Buffer.of(0x7e));
    });
    return { received: Buffer.concat(received), echoed: Buffer.concat(echoed).subarray(0, -1) };
  } finally {
    await new Promise<void>((resolve) => writer.close(() => resolve()));
    await new Promise<void>((resolve) => reader.close(() => resolve()));
  }
}

// Only a socat that was never killed takes this long to end: no result depends on it.
const HANG_STOP_MS = 60_000;

/** The process-exit cleanup ptyPair hooks (once): what Ctrl-C or any exit runs. */
const exitCleanups = () => process.listeners('exit').filter((l) => l.name === 'cleanUpAtExit');

describe('a pty pair (socat)', () => {
  let root: string;
  const pairs: PtyPair[] = [];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-pty-rules-'));
  });
  afterEach(async () => {
    for (const pair of pairs.splice(0)) await pair.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('links two ptys in a folder of its own, raw both ways; closing ends socat and removes the folder', async () => {
    const pair = await ptyPair();
    pairs.push(pair);
    const dir = path.dirname(pair.camera);
    assert.deepEqual([path.dirname(pair.dock), path.basename(pair.camera), path.basename(pair.dock)], [dir, 'camera', 'dock']);
    assert.match(path.basename(dir), /^chaincam-pty-/);
    assert.equal(path.dirname(dir), os.tmpdir());
    const [camera, dock] = [fs.realpathSync(pair.camera), fs.realpathSync(pair.dock)];
    assert.match(camera, /^\/dev\/pts\/\d+$/);
    assert.match(dock, /^\/dev\/pts\/\d+$/);
    assert.notEqual(camera, dock);

    assert.deepEqual(await across(pair.camera, pair.dock, ALL_BYTES), { received: ALL_BYTES, echoed: Buffer.alloc(0) });
    assert.deepEqual(await across(pair.dock, pair.camera, ALL_BYTES), { received: ALL_BYTES, echoed: Buffer.alloc(0) });

    await pair.close();
    pairs.splice(0);
    assert.equal(fs.existsSync(dir), false);
    assert.equal(fs.existsSync(camera), false, 'socat ended: its ptys are gone');
    await pair.close(); // and again, quietly
  });

  it('in a folder it is given: the links go with socat, the folder stays, and the same paths link again', async () => {
    const first = await ptyPair(root);
    assert.deepEqual([first.camera, first.dock], [path.join(root, 'camera'), path.join(root, 'dock')]);
    await first.close();
    assert.deepEqual(fs.readdirSync(root), []);
    const again = await ptyPair(root);
    pairs.push(again);
    assert.deepEqual([again.camera, again.dock], [first.camera, first.dock]);
    assert.deepEqual(await across(again.camera, again.dock, Buffer.from('plugged back in')), { received: Buffer.from('plugged back in'), echoed: Buffer.alloc(0) });
  });

  it('at the process\'s exit, ends every socat still open and removes the folders it made, not the ones it was given', async () => {
    const own = await ptyPair();
    const given = await ptyPair(root);
    pairs.push(own, given);
    const [ownDir, ownPty, givenPty] = [path.dirname(own.camera), fs.realpathSync(own.camera), fs.realpathSync(given.camera)];
    assert.equal(exitCleanups().length, 1, 'hooked once, however many pairs');
    exitCleanups()[0]!(0);
    // Nothing runs after an exit listener: the folder goes at once, not at a close() that never comes.
    assert.equal(fs.existsSync(ownDir), false);
    assert.equal(fs.existsSync(root), true);
    // socat ends on SIGTERM and takes its links with it.
    await Promise.all([own.close(), given.close()]);
    assert.deepEqual([fs.existsSync(ownPty), fs.existsSync(givenPty)], [false, false]);
    assert.equal(exitCleanups().length, 1);
  });

  it('a cleanup at exit kills socat itself, without close()', async () => {
    const pair = await ptyPair(root);
    pairs.push(pair);
    const pty = fs.realpathSync(pair.camera);
    exitCleanups()[0]!(0);
    // No close() yet: what ends socat is the cleanup's SIGTERM, and socat removes its links as it ends.
    const hangStop = performance.now() + HANG_STOP_MS;
    while (fs.existsSync(pair.camera)) {
      assert.ok(performance.now() < hangStop, 'socat still runs a minute after the cleanup');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(fs.existsSync(pty), false);
  });

  it('names a socat that is not installed, and one that cannot make its links', async () => {
    const path0 = process.env.PATH;
    process.env.PATH = root;
    try {
      await assert.rejects(ptyPair(), /^Error: cannot run socat \(apt-get install -y socat\): spawn socat ENOENT$/);
    } finally {
      process.env.PATH = path0;
    }
    const nowhere = path.join(root, 'no-such-folder');
    await assert.rejects(ptyPair(nowhere), new RegExp(`^Error: socat exited \\(1\\) before it made the pty pair ${nowhere}/camera / ${nowhere}/dock$`));
  });
});
