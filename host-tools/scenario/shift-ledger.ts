// Which shift this run is and which recordings earlier shifts reported, kept in the data
// directory (shifts/shift-N/), so that a run interrupted by Ctrl-C or a crash never has its
// number reused and its recordings, docked by a later run, are still reported once.
import fs from 'node:fs';
import path from 'node:path';

export interface ShiftLedger {
  shift: number;
  dir: string;
  /** Recordings (camera device id, recording number) a finished earlier shift reported. */
  reported: Set<string>;
  finish(recordings: { deviceId: string; recording: number }[], report: string): void;
}

export const recordingKey = (deviceId: string, recording: number): string => `${deviceId}/${recording}`;

/** Claims the next shift number (an atomic mkdir: two runs never get the same one). */
export function openShiftLedger(dataDir: string, legacyDirs: string[]): ShiftLedger {
  const shifts = path.join(dataDir, 'shifts');
  fs.mkdirSync(shifts, { recursive: true });
  // Data directories from before the ledger numbered shifts by their export and picture names.
  const used = [shifts, ...legacyDirs].flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d) : []))
    .map((name) => /^shift-(\d+)/.exec(name)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  let shift = Math.max(0, ...used) + 1;
  for (;; shift++) {
    try {
      fs.mkdirSync(path.join(shifts, `shift-${shift}`));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const reported = new Set<string>();
  for (const name of fs.readdirSync(shifts)) {
    const file = path.join(shifts, name, 'recordings.json');
    if (!fs.existsSync(file)) continue;
    for (const r of JSON.parse(fs.readFileSync(file, 'utf8')) as { deviceId: string; recording: number }[]) reported.add(recordingKey(r.deviceId, r.recording));
  }
  const dir = path.join(shifts, `shift-${shift}`);
  return {
    shift, dir, reported,
    finish(recordings, report) {
      fs.writeFileSync(path.join(dir, 'report.txt'), report);
      fs.writeFileSync(path.join(dir, 'recordings.json'), `${JSON.stringify(recordings, null, 2)}\n`);
    },
  };
}
