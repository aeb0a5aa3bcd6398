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
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
// Only a hung link takes this long: no result depends on it.
const HANG_STOP_MS = 60_000;

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

  /** The camera on the pty's camera end. */
  async function dockCamera(camera: HostCamera): Promise<void> {
    pair ??= await ptyPair();
    const serial = await openSerialPort(pair.camera, 2_000_000);
    const receive = camera.session(dockKey.publicKey, (bytes) => { serial.write(Buffer.from(bytes)); });
    serial.on('data', (data: Buffer) => receive(new Uint8Array(data)));
    closers.push(() => new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve())));
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
    const camera = HostCamera.create();
    const [only] = camera.record(1, [2_000]);
    const held = camera.evidence.held.get(only!.sequence)!;
    const bytes = held.bytes.slice();
    bytes[100] ^= 1;
    camera.evidence.held.set(only!.sequence, { ...held, bytes });
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
    assert.ok(lines.includes(`${dockPath} is there; waiting for a camera`), lines.join('\n'));
    await slot.stop();
    const result = await running;
    assert.deepEqual([result?.deviceId, result?.stored, result?.released], [camera.id, 1, 1], 'the last offload');
    assert.equal(camera.evidence.held.size, 0);
  });
});
