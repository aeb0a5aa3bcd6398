// `chaincam budget --target T [--json]`: what the firmware needs of the board at the
// manifest's capture settings, measured on the simulated board, as `idf.py size` reports
// memory: XS chunk and slot high water against the target's limits, the flash partitions,
// the CPU's load while recording, frames kept per second, boot-to-ready and button-to-notice.
import { Command } from 'commander';
import { cpuRateOption } from '../sim/sim-command.js';
import { DEFAULT_TARGET, SUPPORTED_TARGETS } from '../sim/targets.js';
import { measureBudget, type BudgetDetails } from './board-budget.js';

const n = (value: number) => value.toLocaleString('en-US');
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

export function budgetTable(details: BudgetDetails): string {
  const b = details.budget;
  const c = details.capture;
  const lines = [
    `chaincam budget: ${b.target}, capture ${c.width}x${c.height} at ${c.fps} fps, ${details.recordedSeconds} s of recording, CPU ${n(b.cpuRate)} computrons/s`,
    '',
    'XS memory (manifest.json creation)      used / limit',
    `  chunk heap (bytes)     ${n(b.chunkHighWater).padStart(12)} / ${n(b.chunkLimit).padEnd(12)} ${pct(b.chunkHighWater, b.chunkLimit)}`,
    `  slots                  ${n(b.slotHighWater).padStart(12)} / ${n(b.slotLimit).padEnd(12)} ${pct(b.slotHighWater, b.slotLimit)}`,
    '',
    `Flash partitions (${details.partitionsFile ?? "none named: mcconfig's default 64 KB storage"})`,
    ...(details.partitions ?? []).map((p) => `  ${p.name.padEnd(10)} ${p.type.padEnd(5)} ${p.subtype.padEnd(9)} 0x${p.offset.toString(16).padStart(6, '0')}  ${n(p.size).padStart(12)} bytes`),
    `  storage used after the recording: ${n(details.storageUsedBytes)} of ${n(b.storagePartitionBytes)} bytes (${pct(details.storageUsedBytes, b.storagePartitionBytes)})`,
    '',
    'While recording',
    `  CPU load (busy fraction of device time)   ${b.cpuLoad.toFixed(3)}`,
    `  frames kept / requested per second        ${b.framesKeptPerSecond} / ${b.framesRequestedPerSecond}`,
    `  native work (device ms)                   ${Object.entries(details.nativeMs).filter(([, ms]) => ms > 0).map(([kind, ms]) => `${kind} ${ms.toFixed(0)}`).join(', ')}`,
    '',
    'Timing (device ms)',
    `  boot to ready                             ${b.bootToReadyMs}`,
    `  button to notice (LED, tone and sign)     ${b.noticeLatencyMs}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerBudgetCommand(program: Command): void {
  program
    .command('budget')
    .description("what the firmware needs of the board (XS memory, flash, CPU, frames, notice and boot times), measured on the simulated board at the manifest's capture settings")
    .option('--target <name>', `board target (${SUPPORTED_TARGETS.join(', ')})`, DEFAULT_TARGET)
    .option('--json', 'print the figures as JSON')
    .option('--seconds <n>', 'seconds of recording to measure', (v) => {
      const seconds = Number(v);
      if (!Number.isFinite(seconds) || seconds < 2) throw new Error('--seconds: expected a number of seconds, at least 2');
      return seconds;
    }, 20)
    .option('--cpu-rate <computrons/s>', "the board's XS speed in computrons per second of device time", cpuRateOption)
    .action(async (options: { target: string; json?: boolean; seconds: number; cpuRate?: number }) => {
      const details = await measureBudget({ target: options.target, cpuRate: options.cpuRate, recordSeconds: options.seconds });
      process.stdout.write(options.json ? `${JSON.stringify(details.budget, null, 2)}\n` : budgetTable(details));
    });
}
