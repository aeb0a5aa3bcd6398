#!/usr/bin/env node
// Builds the simulated board's own xsnap-worker into .build/board-xsnap/ (gitignored): the
// worker of the npm package @agoric/xsnap (its C sources and the XS objects its install
// compiled), with two small changes made to copies of two of its files:
// - xsnap-worker.c takes the XS creation values (chunk heap, slots, stack) from the
//   environment (CHAINCAM_XS_CREATION), so the board runs with the target's limits from
//   manifest.json and no growth, and aborts with "memory full" as the device does;
// - xsMemory.c records the live chunk bytes after each compaction and the live slots after
//   each collection, and xsnap-worker.c adds them to the meter of every reply;
// - xsnapPlatform.c's fxAbort prints the JavaScript stack (function, file and line of each
//   frame, as xsbug shows it on the device) to stderr before "memory full", "stack overflow"
//   and "not enough keys", so the board can name the firmware's module and line.
// Nothing is fetched: the sources are the installed package's. Runs at `npm ci` (postinstall).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const out = path.join(root, '.build/board-xsnap');
const require = createRequire(import.meta.url);
const xsnap = path.dirname(require.resolve('@agoric/xsnap/package.json'));
const moddable = path.join(xsnap, 'moddable');
const workerSources = path.join(xsnap, 'xsnap-native/xsnap/sources');
/** Lines around the stack fxAbort prints (host-tools/sim/board.ts reads them). */
const STACK_BEGIN = 'chaincam: xs stack at abort';
const STACK_END = 'chaincam: end of xs stack';
const objects = path.join(xsnap, 'xsnap-native/xsnap/build/tmp/lin/release/xsnap-worker');
const version = JSON.parse(readFileSync(path.join(xsnap, 'package.json'), 'utf8')).version;

function patch(text, find, replace, what) {
  if (!text.includes(find)) throw new Error(`cannot build the board's xsnap-worker: @agoric/xsnap ${version} no longer has ${what}`);
  return text.replace(find, replace);
}

function patchedWorker() {
  let c = readFileSync(path.join(workerSources, 'xsnap-worker.c'), 'utf8');
  c = patch(c, `	xsCreation _creation = {
		32 * 1024 * 1024,	/* initialChunkSize */
		4 * 1024 * 1024,	/* incrementalChunkSize */
		256 * 1024,			/* initialHeapCount */
		128 * 1024,			/* incrementalHeapCount */
		4096,				/* stackCount */`, `	/* chaincam: the board's creation values, "chunk,chunkIncrement,slots,slotIncrement,stack" */
	int chaincamCreation[5] = { 32 * 1024 * 1024, 4 * 1024 * 1024, 256 * 1024, 128 * 1024, 4096 };
	{
		const char* spec = getenv("CHAINCAM_XS_CREATION");
		if (spec && sscanf(spec, "%d,%d,%d,%d,%d", &chaincamCreation[0], &chaincamCreation[1], &chaincamCreation[2], &chaincamCreation[3], &chaincamCreation[4]) != 5) {
			fprintf(stderr, "CHAINCAM_XS_CREATION must be chunk,chunkIncrement,slots,slotIncrement,stack\\n");
			return E_BAD_USAGE;
		}
	}
	xsCreation _creation = {
		chaincamCreation[0],	/* initialChunkSize */
		chaincamCreation[1],	/* incrementalChunkSize */
		chaincamCreation[2],	/* initialHeapCount */
		chaincamCreation[3],	/* incrementalHeapCount */
		chaincamCreation[4],	/* stackCount */`, 'the creation values in main()');
  c = patch(c, `static int fxWriteOkay(FILE* outStream, xsUnsignedValue meterIndex, xsMachine *the, char* buf, size_t length)
{`, `extern void fxChaincamMemory(xsMachine* the, int* figures);
static int fxWriteOkay(FILE* outStream, xsUnsignedValue meterIndex, xsMachine *the, char* buf, size_t length)
{`, 'fxWriteOkay');
  c = patch(c, `				  "\\"allocate\\":%u,"`, `				  "\\"allocate\\":%u,"
				  "\\"chunks\\":%d,\\"chunksPeak\\":%d,\\"chunksLivePeak\\":%d,\\"chunksLimit\\":%d,"
				  "\\"slots\\":%d,\\"slotsPeak\\":%d,\\"slotsLivePeak\\":%d,\\"slotsLimit\\":%d,"`, 'the meter format');
  c = patch(c, `			 meterIndex, the->allocatedSpace, tsbuf);`, `			 meterIndex, the->allocatedSpace,
			 memory[0], memory[1], memory[2], memory[3], memory[4], memory[5], memory[6], memory[7],
			 tsbuf);`, 'the meter values');
  c = patch(c, `	char numeral64[] = "12345678901234567890"; // big enough for 64bit numeral`, `	char numeral64[] = "12345678901234567890"; // big enough for 64bit numeral
	int memory[8];
	fxChaincamMemory(the, memory);`, 'the meter numerals');
  c = patch(c, `	char prefix[8 + sizeof fmt + 8 * sizeof numeral64 + sizeof timestampBuffer];`, `	char prefix[8 + sizeof fmt + 16 * sizeof numeral64 + sizeof timestampBuffer];`, 'the meter buffer');
  return c;
}

function patchedMemory() {
  let c = readFileSync(path.join(moddable, 'xs/sources/xsMemory.c'), 'utf8');
  c = `#include "xsAll.h"\nstatic txSize gxChaincamLiveChunksPeak = 0;\nstatic txSize gxChaincamLiveSlotsPeak = 0;\n` + c.replace('#include "xsAll.h"', '') + `
/* chaincam: chunk bytes and slots now, at their peak, live at their peak (after a collection), and the limit. */
void fxChaincamMemory(txMachine* the, int* figures)
{
	figures[0] = (int)the->currentChunksSize;
	figures[1] = (int)the->peakChunksSize;
	figures[2] = (int)gxChaincamLiveChunksPeak;
	figures[3] = (int)the->maximumChunksSize;
	figures[4] = (int)the->currentHeapCount;
	figures[5] = (int)the->peakHeapCount;
	figures[6] = (int)gxChaincamLiveSlotsPeak;
	figures[7] = (int)the->maximumHeapCount;
}
`;
  c = patch(c, `		the->currentHeapCount = aCount;
		the->freeHeap = freeSlot;`, `		the->currentHeapCount = aCount;
		if (gxChaincamLiveSlotsPeak < aCount) gxChaincamLiveSlotsPeak = aCount;
		the->freeHeap = freeSlot;`, 'the slot sweep in fxCollect');
  c = patch(c, `	the->currentChunksSize = aTotal;
`, `	the->currentChunksSize = aTotal;
	if (gxChaincamLiveChunksPeak < aTotal) gxChaincamLiveChunksPeak = aTotal;
`, 'the chunk compaction in fxSweep');
  c = patch(c, `	the->currentHeapCount = aTotal;`, `	the->currentHeapCount = aTotal;
	if (gxChaincamLiveSlotsPeak < aTotal) gxChaincamLiveSlotsPeak = aTotal;`, 'the slot count in fxSweep');
  return c;
}

function patchedPlatform() {
  let c = readFileSync(path.join(workerSources, 'xsnapPlatform.c'), 'utf8');
  c = patch(c, `void fxAbort(txMachine* the, int status)
{
	switch (status) {`, `/* chaincam: the JavaScript frames at an abort, innermost first, without allocating (the heap may be full). */
static void fxChaincamPrintStack(txMachine* the)
{
	txSlot* frame = the->frame;
	int count = 0;
	fprintf(stderr, "${STACK_BEGIN}\\n");
	while (frame && frame->next && count++ < 64) {
		txSlot* environment = mxFrameToEnvironment(frame);
		txSlot* function = frame + 3;
		const char* name = "";
		if (function->kind == XS_REFERENCE_KIND) {
			function = function->value.reference;
			if (mxIsFunction(function)) {
				txSlot* slot = mxBehaviorGetProperty(the, function, mxID(_name), 0, XS_OWN);
				if (slot && ((slot->kind == XS_STRING_KIND) || (slot->kind == XS_STRING_X_KIND))) name = slot->value.string;
			}
		}
		if (environment->ID != XS_NO_ID) {
			fxIDToString(the, environment->ID, the->nameBuffer, sizeof(the->nameBuffer));
			fprintf(stderr, " at %s (%s:%d)\\n", name, the->nameBuffer, (int)environment->value.environment.line);
		}
		else
			fprintf(stderr, " at %s\\n", name);
		frame = frame->next;
	}
	fprintf(stderr, "${STACK_END}\\n");
	fflush(stderr);
}

void fxAbort(txMachine* the, int status)
{
	if ((status == XS_STACK_OVERFLOW_EXIT) || (status == XS_NOT_ENOUGH_MEMORY_EXIT) || (status == XS_NO_MORE_KEYS_EXIT))
		fxChaincamPrintStack(the);
	switch (status) {`, 'fxAbort');
  return c;
}

// The package's makefile flags for the release worker (xsnap-native/xsnap/makefiles/lin/xsnap-worker.mk).
const C_OPTIONS = ['-fno-common', '-DINCLUDE_XSPLATFORM', '-DXSPLATFORM="xsnapPlatform.h"', `-DXSNAP_VERSION="${version}"`,
  '-DXSNAP_TEST_RECORD=0', '-DmxLockdown=1', '-DmxMetering=1', '-DmxDebug=1', '-UmxInstrument', '-DmxNoConsole=1',
  '-DmxBoundsCheck=1', '-DmxParse=1', '-DmxRun=1', '-DmxSloppy=1', '-DmxSnapshot=1', '-DmxRegExpUnicodePropertyEscapes=1',
  '-DmxStringNormalize=1', '-DmxMinusZero=1', `-I${moddable}/xs/includes`, `-I${moddable}/xs/platforms`, `-I${moddable}/xs/sources`,
  `-I${workerSources}`, '-Wno-misleading-indentation', '-Wno-implicit-fallthrough', '-O3'];

export function build() {
  if (!existsSync(objects)) throw new Error(`cannot build the board's xsnap-worker: ${objects} is missing (run "npm ci" to build @agoric/xsnap)`);
  const sources = { 'xsnap-worker.c': patchedWorker(), 'xsMemory.c': patchedMemory(), 'xsnapPlatform.c': patchedPlatform() };
  const stamp = createHash('sha256').update(version).update(JSON.stringify(sources)).update(JSON.stringify(C_OPTIONS)).digest('hex');
  const binary = path.join(out, 'xsnap-worker');
  const stampFile = path.join(out, 'stamp');
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return binary;
  mkdirSync(path.join(out, 'src'), { recursive: true });
  const compiled = [];
  for (const [name, text] of Object.entries(sources)) {
    const file = path.join(out, 'src', name);
    writeFileSync(file, text);
    const object = file.replace(/\.c$/, '.o');
    execFileSync(process.env.CC || 'cc', [file, ...C_OPTIONS, '-c', '-o', object], { stdio: 'inherit' });
    compiled.push(object);
  }
  const reused = readdirSync(objects).filter((f) => f.endsWith('.o') && !(f.replace(/\.o$/, '.c') in sources)).map((f) => path.join(objects, f));
  execFileSync(process.env.CC || 'cc', ['-rdynamic', ...reused, ...compiled, '-ldl', '-lm', '-lpthread', '-o', `${binary}.tmp`], { stdio: 'inherit' });
  renameSync(`${binary}.tmp`, binary);
  writeFileSync(stampFile, stamp);
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const binary = build();
    console.log(`chaincam: the simulated board's xsnap-worker is ${path.relative(root, binary)}`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
