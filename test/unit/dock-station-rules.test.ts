// One port of a docking station (host-tools/dock/dock-station.ts) on a real pty pair, in process,
// with a camera running the firmware's own DockSession in Node on the pty's other end: it waits
// for a camera, offloads it into a real store, says what failed and closes the session, and waits
// for a port that is not there yet. The station's own waits (500 ms between HELLOs, 2 s between
// probes of a docked camera) only make a run slower; every result waits on a log line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord } from '../../firmware/format/chain-records.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { DockStation, type DockStationOptions } from '../../host-tools/dock/dock-station.js';
import { ptyPair, type PtyPair } from '../../host-tools/dock/pty-pair.js';
import { openSerialPort } from '../../host-tools/serial/open-serial-port.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { HeldTimers } from '../support/held-timers.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
// Only a hung link takes this long: no result depends on it.
const HANG_STOP_MS = 60_000;

/** The station's waits, each kept (`asked`) and run out only when the test fires it. */
class StationTimers extends HeldTimers {
  readonly asked: number[] = [];
  #armed: ((ms: number) => void) | undefined;
  override set(callback: () => void, ms: number): number {
    this.asked.push(ms);
    const id = super.set(callback, ms);
    this.#armed?.(ms);
    return id;
  }
  /** The wait the station is in now, once it is in one. */
  waiting(): Promise<number> {
    const now = this.delays;
    if (now.length) return Promise.resolve(now[0]!);
    return new Promise((resolve) => { this.#armed = (ms) => { this.#armed = undefined; resolve(ms); }; });
  }
}

/** The promise's outcome, or a failure if it is still pending after a minute (a hang, never a slow host). */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: still pending after ${HANG_STOP_MS / 1000} s`)), HANG_STOP_MS); });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a dock station port, in process', () => {
  const dockKey = generateP256KeyPair(port);
  let root: string;
  let store: EvidenceStore;
  let pair: PtyPair | undefined;
  const closers: (() => Promise<void>)[] = [];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-station-'));
    store = EvidenceStore.open(path.join(root, 'store'));
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await pair?.close();
    pair = undefined;
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The camera on the pty's camera end; it hears the dock while `answering()` says so. */
  async function dockCamera(camera: HostCamera, answering = () => true): Promise<void> {
    pair ??= await ptyPair();
    const serial = await openSerialPort(pair.camera, 2_000_000);
    const receive = camera.session(dockKey.publicKey, (bytes) => { if (serial.isOpen) serial.write(Buffer.from(bytes)); });
    serial.on('data', (data: Buffer) => { if (answering()) receive(new Uint8Array(data)); });
    closers.push(() => new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve())));
  }

  /** A camera whose only segment arrives damaged until `repair` is called. */
  function damagedCamera(): { camera: HostCamera; repair: () => void } {
    const camera = HostCamera.create();
    const [only] = camera.record(1, [2_000]);
    const held = camera.evidence.held.get(only!.sequence)!;
    const bytes = held.bytes.slice();
    bytes[100] ^= 1;
    camera.evidence.held.set(only!.sequence, { ...held, bytes });
    return { camera, repair: () => camera.evidence.held.set(only!.sequence, held) };
  }

  /** A log that can be waited on for a line. */
  function watchedLog() {
    const lines: string[] = [];
    const waiting: { test: RegExp; resolve: (line: string) => void }[] = [];
    const log = (line: string) => {
      lines.push(line);
      for (const w of waiting.filter((x) => x.test.test(line))) w.resolve(line);
    };
    const until = (test: RegExp) => {
      const seen = lines.find((l) => test.test(l));
      return seen !== undefined ? Promise.resolve(seen) : new Promise<string>((resolve) => waiting.push({ test, resolve }));
    };
    return { lines, log, until };
  }

  const station = (log: (line: string) => void, options: Partial<DockStationOptions> = {}) =>
    new DockStation({ path: pair!.dock, baud: 2_000_000, store, dockKey, port, log, timeoutMs: HANG_STOP_MS, ...options });

  it('--once: waits for a camera, offloads it into the store, and returns what it did', async () => {
    const camera = HostCamera.create('officer ruiz');
    camera.record(1, [2_000, 3_000]);
    await dockCamera(camera);
    const { lines, log } = watchedLog();
    const progress: string[] = [];
    const result = await station(log, { once: true, progress: (p, o) => progress.push(`${p} ${o.doneBytes}/${o.totalBytes}`) }).run();
    assert.deepEqual([result?.deviceId, result?.stored, result?.released], [camera.id, 2, 2]);
    assert.equal(lines[0], `${pair!.dock}: waiting for a camera`);
    assert.ok(lines.includes(`${pair!.dock}: camera ${camera.id} "officer ruiz" authenticated`), lines.join('\n'));
    assert.ok(progress.length > 0 && progress.every((p) => p.startsWith(`${pair!.dock} `)), 'progress named by port');
    assert.equal(camera.evidence.held.size, 0);
    assert.equal(store.segments().filter((s) => s.releasedAt !== null).length, 2);
  });

  it('--once: an offload that fails is logged, the session closed, and the error thrown; nothing stored', async () => {
    const { camera } = damagedCamera();
    await dockCamera(camera);
    const { lines, log } = watchedLog();
    await assert.rejects(station(log, { once: true }).run(), /arrived with SHA-256 .*; discarded, it will be read again at the next docking$/);
    assert.match(lines.at(-1)!, new RegExp(`^${pair!.dock}: offload failed: .*arrived with SHA-256`));
    assert.deepEqual(store.segments(), []);
    const events = readChainLog(camera.evidence.chain).frames.map((f) => decodeRecord(f.body)).filter((r) => r.kind === 'event');
    const last = events.at(-1);
    assert.ok(last?.kind === 'event' && last.event.type === 'dock-session' && last.event.phase === 2, 'the station closed the session: its end is on the camera\'s chain');
    assert.equal(camera.evidence.held.size, 1, 'and keeps its footage');
  });

  it('--once: a port that is not there is an error at once', async () => {
    pair = await ptyPair();
    const missing = path.join(root, 'no-port');
    await assert.rejects(new DockStation({ path: missing, baud: 2_000_000, store, dockKey, port, log: () => undefined, once: true }).run(),
      new RegExp(`^Error: cannot open dock port ${missing}: `));
  });

  it('without --once: waits for a port to appear, offloads the camera on it, and stops when told', async () => {
    pair = await ptyPair();
    const linkDir = path.dirname(pair.dock);
    await pair.close();
    pair = undefined;
    const { lines, log, until } = watchedLog();
    const dockPath = path.join(linkDir, 'dock');
    const slot = new DockStation({ path: dockPath, baud: 2_000_000, store, dockKey, port, log, timeoutMs: HANG_STOP_MS });
    const running = slot.run();
    await until(/waiting for .* to appear/);
    assert.match(lines[0]!, new RegExp(`^cannot open dock port ${dockPath}: .*; waiting for ${dockPath} to appear \\(plug in the camera\\)$`));
    // The cable goes in: the same paths again, a camera on the other end.
    fs.mkdirSync(linkDir, { recursive: true });
    pair = await ptyPair(linkDir);
    const camera = HostCamera.create('officer kim');
    camera.record(1, [2_000]);
    await dockCamera(camera);
    await until(/offloaded: 1 segments stored, 1 released/);
    // Only what happened: it never had the port, so nothing was "gone", and no camera was waited for before it was there.
    assert.deepEqual(lines.slice(1, 3), [`${dockPath} is there; waiting for a camera`, `${dockPath}: camera ${camera.id} "officer kim" authenticated`]);
    await slot.stop();
    const result = await running;
    assert.deepEqual([result?.deviceId, result?.stored, result?.released], [camera.id, 1, 1], 'the last offload');
    assert.equal(camera.evidence.held.size, 0);
  });

  it('without --once: a failed offload is tried again after 30 s; a docked camera is probed every 2 s until it misses two HELLOs in a row', async () => {
    const { camera, repair } = damagedCamera();
    let answering = true;
    await dockCamera(camera, () => answering);
    const { lines, log, until } = watchedLog();
    const timers = new StationTimers();
    const slot = station(log, { timers });
    const running = slot.run();
    assert.equal(await timers.waiting(), 30_000, 'the retry after a failure');
    assert.match(lines.at(-1)!, /offload failed: .*arrived with SHA-256/);
    repair();
    timers.fire();
    assert.equal(await timers.waiting(), 2_000, 'a probe of the docked camera');
    await until(/offloaded: 1 segments stored, 1 released/);
    // Answered, missed, answered, missed, missed: only the last two in a row mean it is gone.
    for (const answers of [true, false, true, false]) {
      answering = answers;
      timers.fire();
      assert.equal(await timers.waiting(), 2_000);
      assert.equal(lines.filter((l) => l.includes('camera removed')).length, 0, lines.join('\n'));
    }
    timers.fire();
    assert.equal(await timers.waiting(), 500, 'HELLO again every 500 ms');
    assert.equal(lines.at(-1), `${pair!.dock}: camera removed; waiting for a camera`);
    assert.deepEqual(timers.asked, [30_000, 2_000, 2_000, 2_000, 2_000, 2_000, 500]);
    // stop() ends the wait under way at once: nothing fires it here.
    await slot.stop();
    const result = await within(running, 'run() after stop()');
    assert.deepEqual([result?.stored, result?.released, timers.delays], [1, 1, []]);
    assert.equal(lines.filter((l) => l.includes('camera removed')).length, 1);
  });

  it('without --once: a cable pulled mid-offload is said as such; the port is looked for every 500 ms and the camera offloaded when it is back', async () => {
    const linkDir = fs.mkdtempSync(path.join(root, 'link-'));
    pair = await ptyPair(linkDir);
    const camera = HostCamera.create('officer park');
    camera.record(1, [3_000, 3_000]);
    await dockCamera(camera);
    const { lines, log, until } = watchedLog();
    const timers = new StationTimers();
    let pulled: Promise<void> | undefined;
    const slot = station(log, { timers, progress: (_, p) => { if (p.doneBytes > 0 && !pulled) pulled = pair!.close(); } });
    const running = slot.run();
    assert.equal(await timers.waiting(), 500, 'not the 30 s retry: the port itself went away');
    await pulled;
    pair = undefined;
    const dockPath = path.join(linkDir, 'dock');
    assert.ok(lines.some((l) => new RegExp(`^${dockPath}: offload failed: ${dockPath} went away \\(.*\\): was the cable pulled\\? What arrived is staged; the next docking resumes from it$`).test(l)), lines.join('\n'));
    assert.equal(lines.at(-1), `${dockPath} is gone; waiting for it to come back (dock the camera again)`);
    timers.fire();
    assert.equal(await timers.waiting(), 500, 'still not there: looked for again');
    assert.equal(lines.filter((l) => l.startsWith(`${dockPath} is back`)).length, 0, 'not back while it cannot be opened');
    assert.equal(lines.filter((l) => l.startsWith(`${dockPath} is gone`)).length, 1, 'gone once');
    pair = await ptyPair(linkDir);
    await dockCamera(camera);
    timers.fire();
    assert.equal(await timers.waiting(), 2_000);
    await until(/offloaded: 2 segments stored, 2 released/);
    assert.ok(lines.includes(`${dockPath} is back; waiting for a camera`), lines.join('\n'));
    assert.deepEqual(timers.asked, [500, 500, 2_000]);
    await slot.stop(); // while it probes the docked camera
    assert.equal((await within(running, 'run() after stop()'))?.stored, 2);
    assert.equal(lines.filter((l) => l.includes('camera removed')).length, 0, 'a stop is not a camera taken away');
  });

  it('stop() while run() is still opening its port closes the port it then opened, and run() returns without waiting', async () => {
    pair = await ptyPair();
    const { lines, log } = watchedLog();
    const timers = new StationTimers();
    const slot = station(log, { timers });
    const running = slot.run();
    await slot.stop(); // run() is inside its first open: nothing to close yet
    assert.equal(await within(running, 'run() after stop()'), undefined);
    assert.deepEqual([lines, timers.asked], [[], []]);
    // The port is free again: the dock does not hold it (a held port is locked against a second open).
    const again = await openSerialPort(pair.dock, 2_000_000);
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('stop() while a port that appeared is being opened: run() returns and the station lets go of the port', async () => {
    const linkDir = fs.mkdtempSync(path.join(root, 'link-'));
    const dockPath = path.join(linkDir, 'dock');
    const { lines, log, until } = watchedLog();
    const timers = new StationTimers();
    const slot = new DockStation({ path: dockPath, baud: 2_000_000, store, dockKey, port, log, timeoutMs: HANG_STOP_MS, timers });
    const running = slot.run();
    await until(/waiting for .* to appear/);
    assert.equal(await timers.waiting(), 500);
    pair = await ptyPair(linkDir);
    timers.fire();
    // The station is now inside its open of the port (a few turns of the event loop), or, on a busy
    // host, not yet: stop() comes then, and no wait may begin after it (one would hold run() for good).
    await new Promise((resolve) => setImmediate(resolve));
    await slot.stop();
    assert.equal(await within(running, 'run() after stop()'), undefined);
    // Whether stop() fell inside the open or just after it is the host's timing; either way the
    // station lets go of the port (a held one is locked against a second open) and offloads nothing.
    const again = await openSerialPort(pair.dock, 2_000_000);
    await new Promise<void>((resolve) => again.close(() => resolve()));
    assert.deepEqual(lines.filter((l) => /authenticated|offload/.test(l)), []);
  });


  it('stop() during an offload fails it as the dock stopping, and run() returns without a retry', async () => {
    const camera = HostCamera.create();
    camera.record(1, [150_000]);
    await dockCamera(camera);
    const { lines, log } = watchedLog();
    const timers = new StationTimers();
    let stopping: Promise<void> | undefined;
    const slot = station(log, { timers, progress: (_, p) => { if (p.doneBytes > 0) stopping ??= slot.stop(); } });
    assert.equal(await within(slot.run(), 'run() after stop()'), undefined);
    await stopping;
    assert.equal(lines.at(-1), `${pair!.dock}: offload failed: ${pair!.dock}: the dock is stopping`);
    assert.deepEqual(timers.asked, []);
    assert.deepEqual(store.segments(), []);
  });
});
