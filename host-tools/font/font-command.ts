// `chaincam font`: regenerates the sign's bitmap font from GNU Unifont, or with
// --check fails when the committed module is not what the generator makes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { projectRoot } from '../sim/project-root.js';
import { signFontModule, SIGN_FONT_MODULE } from './sign-font-module.js';
import { DEBIAN_UNIFONT_HEX } from './unifont-hex.js';

interface FontOptions {
  hex: string;
  out: string;
  check?: boolean;
}

export function registerFontCommand(program: Command): void {
  program.command('font')
    .description('generate the sign display font (Hangul and Latin glyphs the signs need) from GNU Unifont')
    .option('--hex <file>', 'Unifont .hex file', DEBIAN_UNIFONT_HEX)
    .option('--out <file>', 'module to write', path.join(projectRoot, SIGN_FONT_MODULE))
    .option('--check', 'write nothing; exit 1 if the module differs from a fresh generation')
    .action((options: FontOptions) => {
      const text = signFontModule({ hexFile: options.hex });
      if (options.check) {
        let current = '';
        try {
          current = readFileSync(options.out, 'utf8');
        } catch {
          // a missing module differs
        }
        if (current !== text) {
          process.stderr.write(`chaincam font: ${options.out} is out of date; run: npx chaincam font\n`);
          process.exitCode = 1;
        } else process.stdout.write(`${options.out} is up to date\n`);
        return;
      }
      writeFileSync(options.out, text);
      process.stdout.write(`wrote ${options.out} (${Buffer.byteLength(text)} bytes)\n`);
    });
}
