// `chaincam dock --port PATH [--port PATH…] --store STORE --key dock.key [--once]`: the docking
// station. One DockStation per port, one evidence store and one progress line per camera.
import fs from 'node:fs';
import type { Command } from 'commander';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { EvidenceStore, checkStoreFolder } from '../store/evidence-store.js';
import { CameraRegistry } from '../keys/camera-registry.js';
import { createDockKeyFile, readDockKeyFile } from './dock-key.js';
import { DockStation } from './dock-station.js';
import { ProgressLines } from './progress-lines.js';
import { collect, wholeNumber } from '../cli-options.js';
import { readRecordsPublicKey } from '../records/records-key.js';
import { RecordsForwarder, forwardUnreleased } from './records-forwarder.js';


export interface DockCommandOptions {
  port: string[];
  store: string;
  key: string;
  newKey?: boolean;
  once?: boolean;
  baud: number;
  capacity?: number;
  cameras?: string;
  forward?: string;
  recordsKey?: string;
}

export function registerDockCommand(program: Command): void {
  program.command('dock')
    .description('docking station: offload cameras on serial ports into an evidence store, verified, with receipts')
    .requiredOption('--port <path>', 'serial port of a dock slot (repeat for several)', collect, [])
    .requiredOption('--store <dir>', 'evidence store directory (created if missing)')
    .requiredOption('--key <file>', "the dock's key (its public key is enrolled on the cameras)")
    .option('--new-key', 'create --key if it does not exist and print its public key for enrolment')
    .option('--once', 'exit after one camera per port is fully offloaded')
    .option('--baud <n>', 'line rate of the ports', wholeNumber(300, 'a baud rate'), 2_000_000)
    .option('--capacity <bytes>', 'refuse segments beyond this many stored bytes', wholeNumber(1, 'a number of bytes'))
    .option('--cameras <dir>', 'take evidence only from the cameras provisioned into this directory (chaincam provision --port writes KEYDIR/cameras/DEVICEID.pub); without it a camera\'s key is pinned at its first docking')
    .option('--forward <url>', "forward every stored segment to the agency's records system (chaincam records serve) and release none before its signed ack")
    .option('--records-key <file>', "the records system's public key (RECORDS.pub from chaincam records init), to check its acks; needed with --forward")
    .action(async (options: DockCommandOptions) => runDock(options));
}

export async function runDock(options: DockCommandOptions): Promise<void> {
  // commander counts --port's default [] as given: without a port the dock would open the store and do nothing.
  if (options.port.length === 0) throw new Error('give the dock at least one --port PATH (the serial port of each dock slot); nothing was written');
  const port = new NodeCryptoPort();
  checkStoreFolder(options.store); // Before anything is written: a bad --store changes nothing.
  const records = forwardSettings(options); // and neither does a bad --forward or --records-key
  if (options.newKey && !fs.existsSync(options.key)) {
    const key = createDockKeyFile(port, options.key);
    process.stdout.write(`dock key ${options.key} created; enrol this public key on the cameras:\n${toHex(key.publicKey)}\n`);
  }
  const dockKey = readDockKeyFile(port, options.key);
  const forwarder = records && new RecordsForwarder(records.url, dockKey, records.recordsPublicKey, port);
  const cameras = options.cameras === undefined ? undefined : new CameraRegistry(options.cameras, port);
  const store = EvidenceStore.open(options.store, { capacityBytes: options.capacity, dockKey, port });
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  log(`dock ${toHex(deriveDockId(port, dockKey.publicKey))}: store ${options.store}, ports ${options.port.join(', ')}${cameras ? `, only the cameras provisioned in ${cameras.dir}` : ''}`);
  if (forwarder) {
    log(`records system ${forwarder.url}: forwarding what this dock stored and no camera released yet`);
    const resumed = await forwardUnreleased(store, forwarder, log);
    log(`records system ${forwarder.url}: ${resumed.acked} acked, ${resumed.failed} still to forward`);
  }
  const progress = new ProgressLines();
  const stations = options.port.map((path) => new DockStation({
    path, baud: options.baud, store, dockKey, port, log, once: options.once, cameras, forward: forwarder,
    progress: (p, update) => progress.update(p, update),
  }));
  const stop = () => void Promise.all(stations.map((s) => s.stop()));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // With --once a port that is not there is an error; otherwise each slot waits for its port.
    if (options.once) await Promise.all(stations.map((s) => s.open()));
    const results = await Promise.allSettled(stations.map((s) => s.run()));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) process.exitCode = 1;
  } finally {
    await Promise.all(stations.map((s) => s.stop()));
    store.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** --forward and --records-key go together; a bad URL or key file is refused before anything is written. */
function forwardSettings(options: DockCommandOptions): { url: string; recordsPublicKey: Uint8Array } | undefined {
  if (options.forward === undefined && options.recordsKey === undefined) return undefined;
  if (options.forward === undefined || options.recordsKey === undefined) throw new Error('--forward URL and --records-key RECORDS.pub go together: the dock checks every ack with the records key');
  let url: URL;
  try {
    url = new URL(options.forward);
  } catch {
    throw new Error(`--forward ${options.forward} is not a URL (give the records server's, e.g. http://records.example:8443)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--forward ${options.forward}: only http: and https: URLs`);
  return { url: url.toString(), recordsPublicKey: readRecordsPublicKey(options.recordsKey) };
}
