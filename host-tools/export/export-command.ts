// `chaincam export PATH --key AGENCY_KEY -o DIR`: playable files plus JSON sidecars.
import type { Command } from 'commander';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { isEvidenceStore } from '../store/evidence-store.js';
import { exportEvidence } from './export-evidence.js';
import { exportStore } from './export-store.js';

export function registerExportCommand(program: Command): void {
  program.command('export')
    .description('decrypt verified footage with the agency key: one playable AVI per recording (missing segments as gaps) with a JSON sidecar (metadata and chain proof)')
    .argument('<path>', "a camera's storage directory or a dock's evidence store")
    .requiredOption('--key <file>', 'the agency private key (agency.key)')
    .requiredOption('-o, --out <dir>', 'directory to write the media files and sidecars to')
    .option('--camera <file>', 'camera.pub from provisioning, to pin the camera key')
    .option('--force', 'export the segments that still authenticate even if the set does not verify')
    .option('--segments', 'one file and sidecar per sealed segment instead of one per recording')
    .option('--recording <n>', 'only this recording', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--recording ${v}: expected a recording number, 1 or more`);
      return n;
    })
    .option('--device <id>', "from a store: only this camera's footage (device id in hex)")
    .option('--cameras <dir>', 'from a store: the provisioned cameras (KEYDIR/cameras); a store holding any other camera is not exported')
    .option('--dock-key <file>', "from a store: the dock's key file that must have signed the store's log")
    .action((dir: string, options: { key: string; out: string; camera?: string; force?: boolean; segments?: boolean; recording?: number; device?: string; cameras?: string; dockKey?: string }) => {
      const common = { port: new NodeCryptoPort(), agencyKeyFile: options.key, outDir: options.out, force: options.force, segments: options.segments, recording: options.recording };
      const result = isEvidenceStore(dir)
        ? exportStore(dir, { ...common, deviceId: options.device, cameraFiles: options.camera ? [options.camera] : undefined, camerasDir: options.cameras, dockKeyFile: options.dockKey })
        : exportEvidence(dir, { ...common, cameraFile: options.camera });
      for (const file of result.exported) process.stdout.write(`exported ${file}\n`);
      for (const skip of result.skipped) process.stdout.write(`skipped ${skip.file}: ${skip.reason}\n`);
      if (!result.verified) {
        process.stdout.write('WARNING: the evidence set did not verify; these files were exported with --force\n');
        process.exitCode = 1;
      }
    });
}
