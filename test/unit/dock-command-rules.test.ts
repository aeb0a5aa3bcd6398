// `chaincam dock` (host-tools/dock/dock-command.ts) run in this process, as host-tools/cli.ts runs
// it, on real pty pairs with cameras running the firmware's own DockSession in Node on the other
// ends, into a real store: what it prints, what it stores, its exit code, what it refuses before
// anything is written, and that SIGINT/SIGTERM stop a dock that runs until told.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { registerDockCommand } from '../../host-tools/dock/dock-command.js';
import { readDockKeyFile } from '../../host-tools/dock/dock-key.js';
import { ptyPair, type PtyPair } from '../../host-tools/dock/pty-pair.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { createRecordsKeyFiles } from '../../host-tools/records/records-key.js';
import { openSerialPort } from '../../host-tools/serial/open-serial-port.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { runInProcess, type CliResult } from '../support/cli-in-process.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
const STAMP = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

describe('chaincam dock, in process', () => {
  let root: string;
  const pairs: PtyPair[] = [];
  const closers: (() => Promise<void>)[] = [];
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-dock-command-'));
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    for (const pair of pairs.splice(0)) await pair.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const dock = (...argv: string[]) => runInProcess([registerDockCommand], 'dock', ...argv);
  const storeDir = () => path.join(root, 'store');
  const keyFile = () => path.join(root, 'dock.key');

  /** A pty pair with `camera` on its camera end, enrolled with the dock key in `keyFile()`; returns the dock's path. */
  async function dockedCamera(camera: HostCamera): Promise<string> {
    const pair = await ptyPair();
    pairs.push(pair);
    const dockKey = readDockKeyFile(port, keyFile());
    const serial = await openSerialPort(pair.camera, 2_000_000);
    const receive = camera.session(dockKey.publicKey, (bytes) => { if (serial.isOpen) serial.write(Buffer.from(bytes)); });
    serial.on('data', (data: Buffer) => receive(new Uint8Array(data)));
    closers.push(() => new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve())));
    return pair.dock;
  }

  /** The promise's outcome, or a failure if it is still pending after a minute (a hang, never a slow host). */
  async function within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: still pending after 60 s`)), 60_000); });
    try {
      return await Promise.race([promise, hang]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A dock key made by the command itself (`--new-key`, with a port that is not there: nothing else happens). */
  async function newKey(): Promise<CliResult> {
    return dock('--port', path.join(root, 'no-port'), '--store', storeDir(), '--key', keyFile(), '--new-key', '--once');
  }

  const storedSegments = () => {
    const store = EvidenceStore.open(storeDir());
    try {
      return store.segments().map((s) => ({ deviceId: s.deviceId, released: s.releasedAt !== null }));
    } finally {
      store.close();
    }
  };

  it('--new-key creates the key and prints its public key once; the log names the dock, the store and the ports', async () => {
    const first = await newKey();
    const key = readDockKeyFile(port, keyFile());
    assert.equal(fs.statSync(keyFile()).mode & 0o777, 0o600);
    const lines = first.out.split('\n');
    assert.deepEqual(lines.slice(0, 2), [`dock key ${keyFile()} created; enrol this public key on the cameras:`, toHex(key.publicKey)]);
    assert.match(lines[2]!, new RegExp(`^${STAMP} dock ${toHex(deriveDockId(port, key.publicKey))}: store ${storeDir()}, ports ${path.join(root, 'no-port')}$`));
    assert.equal(lines.length, 4, first.out);
    assert.deepEqual([first.code, first.error.startsWith(`cannot open dock port ${path.join(root, 'no-port')}: `)], [1, true], first.error);

    // Again with the key there: it is kept, and nothing is printed about it.
    const bytes = fs.readFileSync(keyFile());
    const again = await newKey();
    assert.deepEqual(fs.readFileSync(keyFile()), bytes);
    assert.doesNotMatch(again.out, /created/);
    assert.match(again.out, new RegExp(`^${STAMP} dock `));
  });

  it('without --new-key, a missing key is refused and none is made', async () => {
    const result = await dock('--port', path.join(root, 'no-port'), '--store', storeDir(), '--key', keyFile(), '--once');
    assert.equal(result.code, 1);
    assert.match(result.error, /^cannot read dock key .*dock\.key: .*\(create one with chaincam dock --new-key --key /);
    assert.equal(fs.existsSync(keyFile()), false);
    assert.equal(result.out, '');
  });

  it('--once: offloads the camera on each port into the store and exits 0, its signal handlers gone', async () => {
    await newKey();
    const [a, b] = [HostCamera.create('officer ruiz'), HostCamera.create('officer kim')];
    a.record(1, [2_000, 3_000]);
    b.record(1, [1_500]);
    const ports = [await dockedCamera(a), await dockedCamera(b)];
    const listeners = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const result = await dock(...ports.flatMap((p) => ['--port', p]), '--store', storeDir(), '--key', keyFile(), '--once');
    assert.deepEqual([result.code, result.error], [0, '']);
    assert.match(result.out, new RegExp(`^${STAMP} dock [0-9a-f]{32}: store ${storeDir()}, ports ${ports.join(', ')}\n`));
    assert.match(result.out, new RegExp(`\n${STAMP} ${ports[0]}: camera ${a.id} "officer ruiz" authenticated\n`));
    assert.deepEqual([a.evidence.held.size, b.evidence.held.size], [0, 0]);
    assert.deepEqual(storedSegments().filter((s) => s.released).map((s) => s.deviceId).sort(), [a.id, a.id, b.id].sort());
    assert.deepEqual([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], listeners);
    // A progress line as each camera's offload starts and ends, named by its port, camera and label.
    for (const [p, camera, label] of [[ports[0]!, a, 'officer ruiz'], [ports[1]!, b, 'officer kim']] as const) {
      const bars = result.out.split('\n').filter((l) => l.startsWith(`${p} ${camera.id.slice(0, 8)} ${label} [`));
      assert.equal(bars.length, 2, result.out);
      assert.match(bars[1]!, /\] 100% .* done$/);
    }
  });

  it('--once: a camera that fails makes the exit code 1; the other port\'s camera is offloaded all the same', async () => {
    await newKey();
    const [provisioned, stranger] = [HostCamera.create('provisioned'), HostCamera.create('stranger')];
    provisioned.record(1, [2_000]);
    stranger.record(1, [2_000]);
    const cameras = path.join(root, 'cameras');
    fs.mkdirSync(cameras);
    fs.writeFileSync(path.join(cameras, `${provisioned.id}.pub`), JSON.stringify(cameraDocument({ deviceId: provisioned.deviceId, publicKey: provisioned.key.publicKey, label: 'provisioned' }, false)));
    const ports = [await dockedCamera(provisioned), await dockedCamera(stranger)];
    const result = await dock('--port', ports[0]!, '--port', ports[1]!, '--store', storeDir(), '--key', keyFile(), '--once', '--cameras', cameras);
    assert.equal(result.code, 1);
    assert.match(result.out, new RegExp(`^${STAMP} dock [0-9a-f]{32}: store ${storeDir()}, ports ${ports.join(', ')}, only the cameras provisioned in ${cameras}\n`));
    assert.match(result.out, new RegExp(`${ports[1]}: offload failed: .*${stranger.id}`));
    assert.deepEqual(storedSegments(), [{ deviceId: provisioned.id, released: true }]);
    assert.equal(stranger.evidence.held.size, 1);
  });

  it('--capacity: a store too small for the footage stores none of it', async () => {
    await newKey();
    const camera = HostCamera.create();
    camera.record(1, [2_000]);
    const result = await dock('--port', await dockedCamera(camera), '--store', storeDir(), '--key', keyFile(), '--once', '--capacity', '1999');
    assert.equal(result.code, 1);
    assert.match(result.out, /offload failed: .*is full \(1999 bytes\)/);
    assert.deepEqual(storedSegments(), []);
    assert.equal(camera.evidence.held.size, 1);
  });

  it('--forward: what the records system has not acked stays stored and held, and is tried again at the next start', async () => {
    await newKey();
    createRecordsKeyFiles(port, path.join(root, 'records.key'), path.join(root, 'RECORDS.pub'));
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const url = `http://127.0.0.1:${closed}`;
    const camera = HostCamera.create();
    camera.record(1, [2_000]);
    const forward = ['--forward', url, '--records-key', path.join(root, 'RECORDS.pub')];
    const first = await dock('--port', await dockedCamera(camera), '--store', storeDir(), '--key', keyFile(), '--once', ...forward);
    assert.equal(first.code, 1);
    const said = first.out.split('\n').map((l) => l.slice(25));
    assert.deepEqual(said.slice(1, 3), [`records system ${url}/: forwarding what this dock stored and no camera released yet`, `records system ${url}/: 0 acked, 0 still to forward`]);
    assert.match(first.out, /is stored at the dock but not released: /);
    assert.deepEqual(storedSegments(), [{ deviceId: camera.id, released: false }]);
    assert.equal(camera.evidence.held.size, 1);

    const second = await dock('--port', path.join(root, 'no-port'), '--store', storeDir(), '--key', keyFile(), '--once', ...forward);
    assert.equal(second.code, 1);
    assert.ok(second.out.split('\n').map((l) => l.slice(25)).includes(`records system ${url}/: 0 acked, 1 still to forward`), second.out);
  });

  it('refuses a bad --store, --forward or --records-key before anything is written', async () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'not a store');
    const missing = path.join(root, 'no-port');
    const common = ['--port', missing, '--key', keyFile(), '--new-key', '--once'];
    const refusals: [string[], string][] = [
      [['--store', file], `${file} is a file, not an evidence store folder: give --store a new or empty folder (or an existing store)`],
      [['--store', storeDir(), '--forward', 'http://records.example'], '--forward URL and --records-key RECORDS.pub go together: the dock checks every ack with the records key'],
      [['--store', storeDir(), '--records-key', path.join(root, 'RECORDS.pub')], '--forward URL and --records-key RECORDS.pub go together: the dock checks every ack with the records key'],
      [['--store', storeDir(), '--forward', 'records.example', '--records-key', 'x'], "--forward records.example is not a URL (give the records server's, e.g. http://records.example:8443)"],
      [['--store', storeDir(), '--forward', 'ftp://records.example', '--records-key', 'x'], '--forward ftp://records.example: only http: and https: URLs'],
      [['--store', storeDir(), '--forward', 'https://records.example', '--records-key', path.join(root, 'RECORDS.pub')], `cannot read records public key ${path.join(root, 'RECORDS.pub')}: `],
    ];
    for (const [argv, error] of refusals) {
      const result = await dock(...common, ...argv);
      assert.equal(result.code, 1, argv.join(' '));
      assert.ok(result.error.startsWith(error), `${argv.join(' ')}: ${result.error}`);
      assert.deepEqual([result.out, fs.existsSync(keyFile()), fs.existsSync(storeDir())], ['', false, false], argv.join(' '));
    }
    assert.deepEqual(fs.readFileSync(file, 'utf8'), 'not a store');
  });

  it('refuses a baud rate under 300 and a capacity under 1 byte, and takes --port, --store and --key as required', async () => {
    await newKey();
    fs.rmSync(storeDir(), { recursive: true });
    const base = ['--port', 'p', '--store', storeDir(), '--key', keyFile()];
    assert.match((await dock(...base, '--baud', '299')).error, /option '--baud <n>' argument '299' is invalid\. expected a baud rate, 300 or more$/);
    assert.match((await dock(...base, '--capacity', '0')).error, /option '--capacity <bytes>' argument '0' is invalid\. expected a number of bytes, 1 or more$/);
    assert.deepEqual(await dock(...base.slice(2)), { code: 1, out: '', error: 'give the dock at least one --port PATH (the serial port of each dock slot); nothing was written' });
    for (const [option, i] of [['--store <dir>', 2], ['--key <file>', 4]] as const) {
      const without = base.filter((_, j) => j !== i && j !== i + 1);
      assert.match((await dock(...without)).error, new RegExp(`required option '${option}' not specified`));
    }
    assert.equal(fs.existsSync(storeDir()), false);
  });

  it('says what it is and what each option does', () => {
    const program = new Command('chaincam');
    registerDockCommand(program);
    const command = program.commands.find((c) => c.name() === 'dock')!;
    assert.match(command.description(), /^docking station: offload cameras on serial ports into an evidence store/);
    const options = command.options.map((o) => [o.long, o.description.length > 20]);
    assert.deepEqual(options, [
      ['--port', true], ['--store', true], ['--key', true], ['--new-key', true], ['--once', true], ['--baud', true],
      ['--capacity', true], ['--cameras', true], ['--forward', true], ['--records-key', true],
    ]);
    assert.equal(command.options.find((o) => o.long === '--baud')!.defaultValue, 2_000_000);
    assert.deepEqual(command.options.find((o) => o.long === '--port')!.defaultValue, []);
  });

  it('without --once: a port that is not there yet is waited for, not an error', async () => {
    await newKey();
    const missing = path.join(root, 'not-yet');
    let out = '';
    let waiting!: () => void;
    const seen = new Promise<void>((resolve) => { waiting = resolve; });
    const before = process.listeners('SIGTERM');
    const running = dock('--port', missing, '--store', storeDir(), '--key', keyFile());
    const taken = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      if (out.includes(`waiting for ${missing} to appear`)) waiting();
      return taken.call(process.stdout, chunk);
    }) as typeof process.stdout.write;
    await within(seen, 'the wait for the port');
    (process.listeners('SIGTERM').find((l) => !before.includes(l)) as () => void)();
    const result = await within(running, 'the dock after SIGTERM');
    assert.deepEqual([result.code, result.error], [0, '']);
    assert.ok(result.out.endsWith(out));
    assert.match(result.out, new RegExp(`${STAMP} cannot open dock port ${missing}: .*; waiting for ${missing} to appear \\(plug in the camera\\)\n`));
  });

  it('without --once: runs until SIGTERM (or SIGINT), then stops every port and exits 0', async () => {
    await newKey();
    const camera = HostCamera.create('officer lee');
    camera.record(1, [2_000]);
    const dockPath = await dockedCamera(camera);
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    let out = '';
    let offloaded!: () => void;
    const done = new Promise<void>((resolve) => { offloaded = resolve; });
    const running = dock('--port', dockPath, '--store', storeDir(), '--key', keyFile());
    // runInProcess has taken stdout for the command: read it as it comes.
    const taken = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      if (/offloaded: 1 segments stored, 1 released/.test(out)) offloaded();
      return taken.call(process.stdout, chunk);
    }) as typeof process.stdout.write;
    await done;
    const added = (signal: 'SIGINT' | 'SIGTERM') => process.listeners(signal).filter((l) => !before[signal].includes(l));
    assert.deepEqual([added('SIGINT').length, added('SIGTERM').length], [1, 1]);
    assert.equal(added('SIGINT')[0], added('SIGTERM')[0], 'the same stop for both');
    (added('SIGTERM')[0] as () => void)();
    const result = await running;
    assert.deepEqual([result.code, result.error], [0, '']);
    assert.deepEqual([added('SIGINT').length, added('SIGTERM').length], [0, 0]);
    assert.deepEqual(storedSegments(), [{ deviceId: camera.id, released: true }]);
  });
});
