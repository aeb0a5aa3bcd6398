// `chaincam store alarms STORE` (read-only) and `chaincam store expire STORE --key DOCK.key`:
// what a records manager does with a dock's evidence store besides verify and export.
import type { Command } from 'commander';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { readDockKeyFile } from '../dock/dock-key.js';
import { EvidenceStore } from './evidence-store.js';

export function registerStoreCommand(program: Command): void {
  const store = program.command('store').description("a dock's evidence store: its alarms, and retention's lawful end (docs/STORE.md)");
  store.command('alarms')
    .description('list the rollbacks and forks the dock refused (read-only); each camera named stays refused')
    .argument('<store>', "the dock's evidence store")
    .action((dir: string) => {
      const opened = EvidenceStore.open(dir, { readOnly: true });
      try {
        const alarms = opened.alarms();
        for (const a of alarms) process.stdout.write(`log entry #${a.logEntry} ${new Date(a.raisedAt).toISOString()} ${a.kind} camera ${a.deviceId}: ${a.text}\n`);
        process.stdout.write(`${alarms.length} alarm(s)${alarms.length ? ': these cameras stay refused at this dock; see docs/STORE.md section 5' : ''}\n`);
      } finally {
        opened.close();
      }
    });
  store.command('expire')
    .description("end the segments whose retention ran out: each end goes into the store's signed log with its rule, then the footage is removed")
    .argument('<store>', "the dock's evidence store")
    .requiredOption('--key <file>', "the dock's key, which signs the store's log")
    .action((dir: string, options: { key: string }) => {
      const port = new NodeCryptoPort();
      const opened = EvidenceStore.open(dir, { dockKey: readDockKeyFile(port, options.key), port });
      try {
        const ended = opened.endExpiredSegments();
        for (const e of ended) process.stdout.write(`ended segment ${e.recording}/${e.segmentIndex} of camera ${e.deviceId}: ${e.rule}\n`);
        process.stdout.write(`${ended.length} segment(s) reached the end of their retention\n`);
      } finally {
        opened.close();
      }
    });
}
