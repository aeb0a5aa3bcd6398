// Is a serial port there, and is another program (a serial monitor, serial2xsbug,
// another `chaincam log`) holding it? esptool fails late and vaguely when it is.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export interface PortHolder {
  pid: number;
  command: string;
}

/** Problems with a port, each a sentence with what to do; empty when it can be used. */
export function checkSerialPort(port: string, holders: (device: string) => PortHolder[] = portHolders): string[] {
  if (!existsSync(port)) {
    return [`serial port ${port} does not exist: plug the board in with a data (not charge-only) USB cable and check the name with "ls /dev/ttyUSB* /dev/ttyACM*" (macOS: "ls /dev/cu.*")`];
  }
  const stat = statSync(port);
  if (!stat.isCharacterDevice()) return [`${port} is not a serial device (it is a ${stat.isDirectory() ? 'directory' : 'regular file'}); give the board's port, e.g. /dev/ttyUSB0`];
  const held = holders(port).filter((holder) => holder.pid !== process.pid);
  if (held.length) {
    const who = held.map((holder) => `${holder.command} (pid ${holder.pid})`).join(', ');
    return [`serial port ${port} is in use by ${who}: close that program (or "kill ${held.map((h) => h.pid).join(' ')}") and try again`];
  }
  return [];
}

/** Processes with the device open: /proc on Linux, lsof elsewhere; empty if neither can tell. */
export function portHolders(device: string): PortHolder[] {
  let target: string;
  try {
    target = realpathSync(device);
  } catch {
    return [];
  }
  if (existsSync('/proc/self/fd')) return procHolders(target);
  try {
    const output = execFileSync('lsof', ['-Fpc', target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const holders: PortHolder[] = [];
    for (const line of output.split('\n')) {
      if (line.startsWith('p')) holders.push({ pid: Number(line.slice(1)), command: '' });
      else if (line.startsWith('c') && holders.length) holders.at(-1)!.command = line.slice(1);
    }
    return holders;
  } catch {
    return []; // lsof missing, or nobody holds it (lsof exits 1)
  }
}

function procHolders(target: string): PortHolder[] {
  const holders: PortHolder[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(path.join('/proc', entry, 'fd'));
    } catch {
      continue; // gone, or another user's process
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(path.join('/proc', entry, 'fd', fd)) === target;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    let command = '?';
    try {
      command = readFileSync(path.join('/proc', entry, 'comm'), 'utf8').trim();
    } catch {
      // keep '?'
    }
    holders.push({ pid: Number(entry), command });
  }
  return holders;
}
