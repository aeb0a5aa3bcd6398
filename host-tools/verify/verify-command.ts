// `chaincam verify PATH`: exit 0 only when the whole evidence set (or store) verifies. Read-only.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR } from '../evidence/evidence-layout.js';
import { collect } from '../cli-options.js';
import { verifyEvidence } from './verify-evidence.js';
import { formatVerifyReport } from './verify-report.js';
import { formatStoreReport, isEvidenceStore, verifyStore } from './verify-store.js';
import { withConnectionOptions, type ConnectionOptions } from '../records/records-settings.js';
import { formatRecordsReport, runRecordsVerify } from '../records/records-verify-command.js';

interface VerifyCommandOptions extends ConnectionOptions { camera: string[]; cameras?: string; dockKey?: string; card?: string; json?: boolean; records?: boolean; recordsKey?: string }

export function registerVerifyCommand(program: Command): void {
  withConnectionOptions(program.command('verify')
    .description("verify a camera's evidence or a dock's evidence store offline, read-only: every link, signature, segment digest, and a store's signed log and rows")
    .argument('[path]', "a camera's storage directory (camera.pub, chain.log, segments/) or a dock's evidence store")
    .option('--camera <file>', "camera.pub from provisioning, to pin the camera key (for a store: repeat for each camera it may hold)", collect, [])
    .option('--cameras <dir>', 'for a store: the provisioned cameras (KEYDIR/cameras); any other camera in the store fails')
    .option('--dock-key <file>', "for a store: the dock's key file (its public part is enough) that must have signed the store's log")
    .option('--card <dir>', "for a camera's storage: the camera's SD card (its root, or a simulated card's directory): where segments/ is")
    .option('--json', 'print the report as JSON')
    .option('--records', "verify the agency's records system (PostgreSQL + Object Lock bucket, docs/RECORDS.md section 6) instead of a path")
    .option('--records-key <file>', 'with --records: RECORDS.pub, the key that must have signed the records log'))
    .action(async (dir: string | undefined, options: VerifyCommandOptions) => {
      if (options.records) {
        if (dir !== undefined) throw new Error('--records verifies the records system its settings name; give no path with it');
        const result = await runRecordsVerify(options, options.recordsKey);
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatRecordsReport(result));
        if (!result.ok) process.exitCode = 1;
        return;
      }
      if (dir === undefined) throw new Error('give the path of a camera\'s storage or a dock\'s evidence store, or --records');
      if (isEvidenceStore(dir)) {
        const result = verifyStore(dir, new NodeCryptoPort(), { cameraFiles: options.camera, camerasDir: options.cameras, dockKeyFile: options.dockKey });
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatStoreReport(result));
        if (!result.ok) process.exitCode = 1;
        return;
      }
      notEvidence(dir);
      if (options.camera.length > 1) throw new Error(`--camera given ${options.camera.length} times: a camera's storage holds one camera`);
      if (options.cameras || options.dockKey) throw new Error(`--cameras and --dock-key are for a dock's evidence store; ${dir} is a camera's storage (pin its key with --camera)`);
      // A simulated card's directory holds card.json and the volume/ the camera sees.
      const cardDir = options.card && fs.existsSync(path.join(options.card, 'card.json')) ? path.join(options.card, 'volume') : options.card;
      const { report } = verifyEvidence(dir, { port: new NodeCryptoPort(), cameraFile: options.camera[0], cardDir });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}

/** A folder with none of a camera's files and no store database is not evidence at all: say so. */
function notEvidence(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
  const present = [CHAIN_LOG_FILE, CAMERA_PUBLIC_FILE, SEGMENTS_DIR].filter((name) => fs.existsSync(path.join(dir, name)));
  if (!present.length) {
    throw new Error(`${dir} is not evidence: it holds neither a camera's storage (${CHAIN_LOG_FILE}, ${SEGMENTS_DIR}/) nor a dock's evidence store (evidence.sqlite); give the folder a camera's flash was copied to, or a store chaincam dock made`);
  }
}
