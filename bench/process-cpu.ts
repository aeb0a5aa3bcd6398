// CPU seconds spent by each tier of the records system on this machine (Linux /proc), so a
// benchmark can say where its cycles went: the object store (radosgw, ceph-osd, ceph-mon),
// PostgreSQL, the records server, and the benchmark's own process (the docks' or S3 clients).
// Read at a phase's start and end; the difference is the phase's CPU, whatever else the
// machine was doing meanwhile (another process's load slows a phase, not its CPU count).
import fs from 'node:fs';
import os from 'node:os';

export type Tier = 'object store' | 'PostgreSQL' | 'records server' | 'benchmark (clients)';

const TICKS = 100; // USER_HZ on Linux
const OBJECT_STORE = new Set(['radosgw', 'ceph-osd', 'ceph-mon']);

export type CpuSnapshot = Map<Tier, number>;

/**
 * utime + stime of every live process, by tier; `recordsServer` is the server's pid when it runs
 * apart. PostgreSQL counts only the backends of `database` (other work on the same cluster, and
 * its shared WAL writer and checkpointer, are left out).
 */
export function cpuSnapshot(options: { recordsServer?: number; database?: string } = {}): CpuSnapshot {
  const totals: CpuSnapshot = new Map();
  const add = (tier: Tier, seconds: number) => totals.set(tier, (totals.get(tier) ?? 0) + seconds);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
    const pid = Number(entry);
    if (pid === options.recordsServer) add('records server', seconds);
    else if (pid === process.pid) add('benchmark (clients)', seconds);
    else if (OBJECT_STORE.has(comm)) add('object store', seconds);
    else if (comm === 'postgres' && options.database && backendOf(entry, options.database)) add('PostgreSQL', seconds);
  }
  return totals;
}

function backendOf(pid: string, database: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(' ').includes(database); // "postgres: USER DATABASE HOST(PORT) STATE"
  } catch {
    return false;
  }
}

/** CPU milliseconds per MB moved, by tier, between two snapshots, and their sum. */
export function cpuPerMb(before: CpuSnapshot, after: CpuSnapshot, mb: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [tier, seconds] of after) {
    const ms = Math.max(0, seconds - (before.get(tier) ?? 0)) * 1000 / mb;
    if (ms < 0.05) continue;
    out[tier] = ms;
    total += ms;
  }
  out.total = total;
  return out;
}

export const cores = os.cpus().length;
