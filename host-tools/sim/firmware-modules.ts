// Which module a specifier names on the simulated board, and its JavaScript.
// Firmware and driver modules are the repository's TypeScript, compiled the way
// mcconfig compiles them (tsc, per file); Moddable's own modules are replaced
// by the simulated board's (host-tools/sim/moddable/), which only the board sees.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { originalLines } from './source-map.js';
import { projectRoot } from './project-root.js';

/** Moddable modules the simulated board provides, by specifier. */
// `include`: the manifest a target's platform section must include for its firmware to import it.
const BOARD_MODULES: Record<string, { file: string; public: boolean | 'fixtures'; include?: string }> = {
  timer: { file: 'host-tools/sim/moddable/timer.ts', public: true },
  time: { file: 'host-tools/sim/moddable/time.ts', public: true },
  'embedded:io/digital': { file: 'host-tools/sim/moddable/io/digital.ts', public: true },
  'embedded:io/pwm': { file: 'host-tools/sim/moddable/io/pwm.ts', public: true },
  'embedded:io/spi': { file: 'host-tools/sim/moddable/io/spi.ts', public: true },
  'embedded:io/i2c': { file: 'host-tools/sim/moddable/io/i2c.ts', public: true },
  'embedded:io/serial': { file: 'host-tools/sim/moddable/io/serial.ts', public: true },
  'embedded:io/bytes': { file: 'host-tools/sim/moddable/io/bytes.ts', public: false },
  'embedded:provider/builtin': { file: 'host-tools/sim/moddable/provider.ts', public: true },
  'mc/config': { file: '', public: true },
  'sim:test-commands': { file: 'host-tools/sim/moddable/test-commands.ts', public: 'fixtures' },
  // The camera's crypto port over Moddable's crypt becomes a host-backed port here.
  'firmware/crypto/moddable-crypt-port': { file: 'host-tools/sim/moddable/crypto-port.ts', public: true },
  // Our native module (drivers/hardware-entropy/hardware-entropy.c) becomes a host call here.
  'drivers/hardware-entropy/hardware-entropy': { file: 'host-tools/sim/moddable/hardware-entropy.ts', public: true },
  // The camera's native modules (C on the device) become host calls charged as native bytes.
  'drivers/crc32/crc32': { file: 'host-tools/sim/moddable/crc32.ts', public: true },
  'drivers/cobs/cobs': { file: 'host-tools/sim/moddable/cobs.ts', public: true },
  // The dock link's serial drivers (drivers/dock-uart, drivers/dock-usb: C over ESP-IDF's drivers).
  'drivers/dock-uart/dock-uart': { file: 'host-tools/sim/moddable/dock-uart.ts', public: true },
  'drivers/dock-usb/dock-usb': { file: 'host-tools/sim/moddable/dock-usb.ts', public: true },
  'sim:dock-serial-port': { file: 'host-tools/sim/moddable/dock-serial-port.ts', public: false },
  file: { file: 'host-tools/sim/moddable/file.ts', public: true },
  // The card's native module (drivers/sd-card/sd-card.c) becomes host calls to the card model.
  'drivers/sd-card/sd-card': { file: 'host-tools/sim/moddable/sd-card.ts', public: true },
  'embedded:io/image/in/camera': { file: 'host-tools/sim/moddable/camera.ts', public: true },
  'embedded:io/audio/in': { file: 'host-tools/sim/moddable/audio-in.ts', public: true },
  modules: { file: 'host-tools/sim/moddable/modules.ts', public: true },
  // Moddable's I2S audio output (modules/pins/i2s), over the amplifier model.
  'pins/audioout': { file: 'host-tools/sim/moddable/audio-out.ts', public: true, include: '$(MODULES)/pins/i2s/manifest.json' },
};

/** Folders whose modules run in the firmware's compartment, named by their path. */
const FIRMWARE_ROOTS = ['firmware/', 'drivers/', 'test/fixtures/'];

export interface LoadedModule {
  world: 'board' | 'firmware';
  source: string;
}

interface Compiled {
  mtimeMs: number;
  javascript: string;
  lines: (number | undefined)[];
}

// Compiled once per process, not per board: a test boots the firmware many times (a power-cut
// sweep hundreds), and transpiling every module again at each boot was a third of its time.
const compiledByPath = new Map<string, Compiled>();

export class FirmwareModules {
  readonly #config: Record<string, unknown>;
  readonly #includes: readonly string[];
  readonly #compiled = new Map<string, Compiled>();

  /** `includes`: the manifests the target's platform section adds to the build (optional modules). */
  constructor(config: Record<string, unknown>, includes: readonly string[] = []) {
    this.#config = config;
    this.#includes = includes;
  }

  /** Whether this target's build has a Moddable module that only some platforms include. */
  built(key: string): boolean {
    const board = BOARD_MODULES[key];
    return board !== undefined && (board.include === undefined || this.#includes.includes(board.include));
  }

  /** Mirrors XS on the device: relative to the referrer's name, ".js" stripped. */
  resolve(specifier: string, referrer: string): string {
    let key = specifier.replace(/\.m?js$/, '');
    if (key.startsWith('./') || key.startsWith('../')) {
      key = path.posix.normalize(path.posix.join(path.posix.dirname(referrer), key));
    }
    const board = BOARD_MODULES[key];
    // A native module's host stand-in is named like firmware ("drivers/...") but is the board's own.
    const fromFirmware = this.isFirmware(referrer) && BOARD_MODULES[referrer] === undefined;
    if (board) {
      if (fromFirmware && !board.public) throw new Error(`module "${referrer}" imports "${specifier}", which only the simulated board's own modules may use`);
      if (fromFirmware && board.public === 'fixtures' && !referrer.startsWith('test/fixtures/')) throw new Error(`module "${referrer}" imports "${specifier}", which only test fixtures may use`);
      if (fromFirmware && !this.built(key)) throw new Error(`module "${referrer}" imports "${specifier}", which this target's build does not include (its platform section in manifest.json does not include ${board.include})`);
      return key;
    }
    if (this.isFirmware(key) && this.#exists(`${key}.ts`)) return key;
    const known = Object.keys(BOARD_MODULES).filter((name) => BOARD_MODULES[name]!.public === true).join(', ');
    throw new Error(`module "${referrer}" imports "${specifier}", which does not exist: it is neither a chaincam module (${FIRMWARE_ROOTS.join(', ')}) nor a Moddable module the simulated board provides (${known})`);
  }

  /** Of the manifest's preload list, the modules the simulated board loads (the project's own). */
  preloaded(names: readonly string[]): string[] {
    return names.filter((name) => this.isFirmware(name) && (this.#exists(`${name}.ts`) || BOARD_MODULES[name] !== undefined));
  }

  isFirmware(key: string): boolean {
    return FIRMWARE_ROOTS.some((root) => key.startsWith(root));
  }

  load(key: string): LoadedModule {
    if (key === 'mc/config') return { world: 'board', source: configModuleSource(this.#config) };
    const board = BOARD_MODULES[key];
    if (board) return { world: 'board', source: this.compile(board.file).javascript + `\n//# sourceURL=${board.file}\n` };
    const file = `${key}.ts`;
    return { world: 'firmware', source: this.compile(file).javascript + `\n//# sourceURL=${file}\n` };
  }

  /** Compiles one TypeScript file to an ES module, as tsc does for mcconfig. */
  compile(file: string): Compiled {
    const absolute = path.join(projectRoot, file);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(absolute).mtimeMs;
    } catch {
      throw new Error(`module source ${file} is missing`);
    }
    const cached = compiledByPath.get(absolute);
    if (cached && cached.mtimeMs === mtimeMs) {
      this.#compiled.set(file, cached);
      return cached;
    }
    const output = ts.transpileModule(readFileSync(absolute, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true, isolatedModules: true },
    });
    const syntax = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
    if (syntax) {
      const { line } = syntax.file!.getLineAndCharacterOfPosition(syntax.start ?? 0);
      throw new Error(`${file}:${line + 1}: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')}`);
    }
    const javascript = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    const lines = originalLines(JSON.parse(output.sourceMapText!).mappings);
    const compiled = { mtimeMs, javascript, lines };
    compiledByPath.set(absolute, compiled);
    this.#compiled.set(file, compiled);
    return compiled;
  }

  /** Rewrites "file.ts:LINE" in an XS stack from JavaScript lines to TypeScript lines. */
  mapStack(stack: string): string {
    return stack.replace(/\(([\w./:-]+\.ts):(\d+)\)/g, (match, file: string, line: string) => {
      const compiled = this.#compiled.get(file);
      const original = compiled?.lines[Number(line) - 1];
      return original === undefined ? match : `(${file}:${original + 1})`;
    });
  }

  #exists(file: string): boolean {
    try {
      return statSync(path.join(projectRoot, file)).isFile();
    } catch {
      return false;
    }
  }
}

/** mc/config: the manifest's merged config, frozen as it is on the device. */
function configModuleSource(config: Record<string, unknown>): string {
  return [
    `const config = ${JSON.stringify(config)};`,
    'const freeze = (value) => { if (value && typeof value === "object") { Object.values(value).forEach(freeze); Object.freeze(value); } return value; };',
    'export default freeze(config);',
  ].join('\n');
}
