// A pair of real kernel pseudo-terminals joined by socat: what a USB-serial cable between
// camera and dock looks like to both programs (the shift runner and the dock tests use it).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  camera: string;
  dock: string;
  close(): Promise<void>;
}

/** Only a hung socat takes this long to make its links. */
const PTY_HANG_STOP_MS = 60_000;

/** Pairs still open: a process that exits (Ctrl-C included) ends their socat and removes their folder. */
const open = new Set<{ socat: ChildProcess; dir?: string }>();
let cleanupHooked = false;
function cleanUpAtExit(): void {
  for (const { socat, dir } of open) {
    if (socat.exitCode === null) socat.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Links `camera` and `dock` in `linkDir` (again the same paths: a cable plugged back in), or in a new temporary directory. */
export async function ptyPair(linkDir?: string): Promise<PtyPair> {
  const dir = linkDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-pty-'));
  const camera = path.join(dir, 'camera');
  const dock = path.join(dir, 'dock');
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${camera}`, `pty,raw,echo=0,link=${dock}`], { stdio: 'ignore' });
  const spawnError = new Promise<never>((_, reject) => socat.once('error', (e) => reject(new Error(`cannot run socat (apt-get install -y socat): ${e.message}`))));
  // socat makes the links as soon as it runs; a busy machine can take seconds to run it, so
  // the wait ends when they appear or socat exits, and only a hang (a minute) fails it.
  const ready = (async () => {
    const until = performance.now() + PTY_HANG_STOP_MS;
    while (!(fs.existsSync(camera) && fs.existsSync(dock))) {
      if (socat.exitCode !== null) throw new Error(`socat exited (${socat.exitCode}) before it made the pty pair ${camera} / ${dock}`);
      if (performance.now() > until) throw new Error(`socat did not make the pty pair within ${PTY_HANG_STOP_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await Promise.race([ready, spawnError]);
  const entry = { socat, dir: linkDir ? undefined : dir };
  open.add(entry);
  if (!cleanupHooked) {
    cleanupHooked = true;
    process.once('exit', cleanUpAtExit);
  }
  return {
    camera, dock,
    close: async () => {
      open.delete(entry);
      if (socat.exitCode === null) {
        const exited = new Promise((r) => socat.once('exit', r));
        socat.kill('SIGTERM');
        await exited;
      }
      // socat removes its links when it ends.
      if (!linkDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
