// `chaincam verify PATH`: exit 0 only when the whole evidence set verifies.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { verifyEvidence } from './verify-evidence.js';
import { formatVerifyReport } from './verify-report.js';
import { formatStoreReport, isEvidenceStore, verifyStore } from './verify-store.js';

export function registerVerifyCommand(program: Command): void {
  program.command('verify')
    .description("verify a camera's evidence offline: every link, checkpoint signature and sealed segment digest")
    .argument('<path>', "a camera's storage directory (camera.pub, chain.log, segments/) or a dock's evidence store")
    .option('--camera <file>', 'camera.pub from provisioning, to pin the camera key')
    .option('--card <dir>', "the camera's SD card (its root, or a simulated card's directory): where segments/ is")
    .option('--json', 'print the report as JSON')
    .action((dir: string, options: { camera?: string; card?: string; json?: boolean }) => {
      if (isEvidenceStore(dir)) {
        const result = verifyStore(dir, new NodeCryptoPort());
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatStoreReport(result));
        if (!result.ok) process.exitCode = 1;
        return;
      }
      // A simulated card's directory holds card.json and the volume/ the camera sees.
      const cardDir = options.card && fs.existsSync(path.join(options.card, 'card.json')) ? path.join(options.card, 'volume') : options.card;
      const { report } = verifyEvidence(dir, { port: new NodeCryptoPort(), cameraFile: options.camera, cardDir });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
