// Waiting on what a server process does, for the tests that kill one: a free loopback port to
// give it, its port accepting, a process gone. Each wait ends on the event; the only limit is
// the hang stop (hang-stop.ts), which fails a hung wait and never decides a slow one.
import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HANG_STOP_MS } from './hang-stop.js';

/** How often a wait with no event to listen for (a port, a /proc entry, a row) looks again. */
const LOOK_AGAIN_MS = 20;

/** Looks until `found` gives a value; `gone` (a process that exited) ends the wait with its reason. */
export async function lookUntil<T>(what: string, found: () => Promise<T | undefined> | T | undefined, gone?: () => string | undefined): Promise<T> {
  const stop = Date.now() + HANG_STOP_MS;
  for (;;) {
    const value = await found();
    if (value !== undefined) return value;
    const reason = gone?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (Date.now() > stop) throw new Error(`${what}: nothing after ${HANG_STOP_MS / 60_000} minutes (hang stop)`);
    await sleep(LOOK_AGAIN_MS);
  }
}

/** A loopback port nothing listens on now (the server given it binds it a moment later). */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True once a TCP connection to 127.0.0.1:port is accepted. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Whether a process with this pid exists (a zombie counts as gone: it runs nothing and holds nothing). */
export function processRuns(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids whose parent is `pid` (a PostgreSQL postmaster's backends and helpers). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended while the list was read
    }
  }
  return children;
}
