// Mutation testing (npm run mutation, docs/MUTATION.md) reaches into the simulated board.
// Stryker's instrumented code picks its active mutant from globalThis.__stryker__, or from
// process.env.__STRYKER_ACTIVE_MUTANT__: neither exists in the firmware's XS compartment,
// so the board hands the host's choice in, and reports back which mutants the firmware ran
// (per test) so that Stryker runs only the tests that reach a mutant.

interface StrykerNamespace {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> };
}

function namespace(): StrykerNamespace | undefined {
  return (globalThis as { __stryker__?: StrykerNamespace }).__stryker__;
}

/** What the board passes into XS: undefined outside a mutation run (the firmware then runs as always). */
export interface MutationSwitch {
  /** The mutant to switch on, or undefined (Stryker's dry run: collect coverage instead). */
  activeMutant?: string;
  /** Report each mutant the firmware reaches (once per test) with a 'mutant.covered' call. */
  collect: boolean;
  /** Stryker's hit limit for an active mutant in XS, so a mutant that loops forever fails there. */
  hitLimit?: number;
}

// Stryker's own hit limit (100x the dry run's hits) counts hits in Node; XS reports one hit per
// test, so the firmware gets a fixed bound instead: far above any loop the firmware runs.
const XS_HIT_LIMIT = 10_000_000;

export function mutationSwitch(): MutationSwitch | undefined {
  const ns = namespace();
  const active = ns?.activeMutant ?? process.env.__STRYKER_ACTIVE_MUTANT__;
  if (active !== undefined && active !== '') return { activeMutant: String(active), collect: false, hitLimit: XS_HIT_LIMIT };
  if (ns?.mutantCoverage) return { collect: true };
  return undefined;
}

/** The test that coverage counts for now (Stryker's mocha runner sets it before each test). */
export function coverageTest(): string | undefined {
  return namespace()?.currentTestId;
}

/** Counts a mutant the firmware reached for the current test, as Stryker's own cover() does in Node. */
export function coverMutant(id: string): void {
  const ns = namespace();
  if (!ns) return;
  const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
  const test = ns.currentTestId;
  const counts = test ? (coverage.perTest[test] ??= {}) : coverage.static;
  counts[id] = (counts[id] ?? 0) + 1;
}
