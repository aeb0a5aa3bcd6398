// What xsbug sees versus what XS runs: XS names a module by its sourceURL (a
// repository path such as "firmware/main.ts") and counts lines of the compiled
// JavaScript; xsbug opens files by absolute path and a developer thinks in
// TypeScript lines. This maps both ways, using the module's tsc source map.
import path from 'node:path';
import type { FirmwareModules } from './firmware-modules.js';

/** Folders whose .ts files the simulated board compiles per file (FirmwareModules.compile). */
const MAPPED_ROOTS = ['firmware/', 'drivers/', 'test/fixtures/', 'host-tools/sim/moddable/'];
// The bootstrap is a script compiled without a source map: its lines are JavaScript lines.
const UNMAPPED = new Set(['host-tools/sim/moddable/bootstrap.ts']);

export interface SourceLocation {
  path: string;
  line: number;
}

export class XsbugPaths {
  readonly #modules: Pick<FirmwareModules, 'compile'>;
  readonly #root: string;
  readonly #inverse = new Map<string, { lines: (number | undefined)[]; tsToJs: Map<number, number> }>();

  constructor(modules: Pick<FirmwareModules, 'compile'>, root: string) {
    this.#modules = modules;
    this.#root = root;
  }

  /** A repository path XS reports, if it names a module whose lines we can map. */
  isMapped(repoPath: string): boolean {
    return repoPath.endsWith('.ts') && !UNMAPPED.has(repoPath) && MAPPED_ROOTS.some((root) => repoPath.startsWith(root));
  }

  /** XS's (repository path, JavaScript line) as xsbug should show it: absolute path, TypeScript line. */
  toDebugger(location: SourceLocation): SourceLocation {
    if (!this.isMapped(location.path)) return location;
    const absolute = path.join(this.#root, location.path);
    const lines = this.#table(location.path)?.lines;
    const original = lines?.[location.line - 1];
    return { path: absolute, line: original === undefined ? location.line : original + 1 };
  }

  /**
   * A breakpoint from xsbug (absolute or repository path, TypeScript line) as XS
   * needs it. A TypeScript line that compiles to nothing (a type, a comment)
   * moves to the next line that has code, as debuggers do.
   */
  toWorker(location: SourceLocation): SourceLocation {
    const repoPath = this.repoPath(location.path);
    if (repoPath === undefined || !this.isMapped(repoPath)) return location;
    const table = this.#table(repoPath);
    if (!table) return { path: repoPath, line: location.line };
    const lastTsLine = Math.max(0, ...table.tsToJs.keys());
    for (let tsLine = location.line; tsLine <= lastTsLine; tsLine++) {
      const jsLine = table.tsToJs.get(tsLine);
      if (jsLine !== undefined) return { path: repoPath, line: jsLine };
    }
    return { path: repoPath, line: location.line };
  }

  /** "firmware/main.ts" for "/abs/repo/firmware/main.ts" or "firmware/main.ts"; undefined outside the repository. */
  repoPath(anyPath: string): string | undefined {
    if (!path.isAbsolute(anyPath)) return anyPath.split(path.sep).join('/');
    const relative = path.relative(this.#root, anyPath);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  #table(repoPath: string) {
    let table = this.#inverse.get(repoPath);
    if (table) return table;
    let lines: (number | undefined)[];
    try {
      lines = this.#modules.compile(repoPath).lines;
    } catch {
      return undefined; // a file that does not compile: leave its lines alone
    }
    // TypeScript line (1-based) -> first JavaScript line (1-based) that maps to it.
    const tsToJs = new Map<number, number>();
    lines.forEach((original, index) => {
      if (original !== undefined && !tsToJs.has(original + 1)) tsToJs.set(original + 1, index + 1);
    });
    table = { lines, tsToJs };
    this.#inverse.set(repoPath, table);
    return table;
  }
}
