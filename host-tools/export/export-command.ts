// `chaincam export PATH --key AGENCY_KEY -o DIR`: playable files plus JSON sidecars.
import type { Command } from 'commander';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { exportEvidence } from './export-evidence.js';

export function registerExportCommand(program: Command): void {
  program.command('export')
    .description('decrypt verified segments with the agency key into playable files with JSON sidecars (metadata and chain proof)')
    .argument('<path>', "the camera's storage directory")
    .requiredOption('--key <file>', 'the agency private key (agency.key)')
    .requiredOption('-o, --out <dir>', 'directory to write the media files and sidecars to')
    .option('--camera <file>', 'camera.pub from provisioning, to pin the camera key')
    .option('--force', 'export the segments that still authenticate even if the set does not verify')
    .action((dir: string, options: { key: string; out: string; camera?: string; force?: boolean }) => {
      const result = exportEvidence(dir, {
        port: new NodeCryptoPort(), agencyKeyFile: options.key, outDir: options.out, cameraFile: options.camera, force: options.force,
      });
      for (const file of result.exported) process.stdout.write(`exported ${file}\n`);
      for (const skip of result.skipped) process.stdout.write(`skipped ${skip.file}: ${skip.reason}\n`);
      if (!result.verified) {
        process.stdout.write('WARNING: the evidence set did not verify; these files were exported with --force\n');
        process.exitCode = 1;
      }
    });
}
