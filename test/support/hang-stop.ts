// The one wall-clock limit a test may have: a stop for a run that hangs, far beyond what any
// loaded machine takes, so it can fail a hung test and never decide one that is merely slow.
// spawnSync needs it (mocha's own timeout cannot interrupt a synchronous wait); tests that
// await use mocha's timeout, set as generously.
export const HANG_STOP_MS = 3_600_000;
