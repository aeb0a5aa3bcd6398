// Where a camera's raw storage keeps its evidence, as the dock copies it and verify reads it:
//   DIR/camera.pub                      the camera's public identity (JSON, see key-files.ts)
//   DIR/chain.log                       the hash chain (firmware/format/chain-log.ts)
//   DIR/segments/r000007-s0002.seg      sealed segment 2 of recording 7
import path from 'node:path';

export const CHAIN_LOG_FILE = 'chain.log';
export const CAMERA_PUBLIC_FILE = 'camera.pub';
export const SEGMENTS_DIR = 'segments';

export function segmentFileName(recording: number, segmentIndex: number): string {
  return `r${String(recording).padStart(6, '0')}-s${String(segmentIndex).padStart(4, '0')}.seg`;
}

export function parseSegmentFileName(name: string): { recording: number; segmentIndex: number } | undefined {
  const match = /^r(\d{6,10})-s(\d{4,10})\.seg$/.exec(name);
  if (!match) return undefined;
  const recording = Number(match[1]);
  const segmentIndex = Number(match[2]);
  return segmentFileName(recording, segmentIndex) === name ? { recording, segmentIndex } : undefined;
}

export function segmentPath(dir: string, recording: number, segmentIndex: number): string {
  return path.join(dir, SEGMENTS_DIR, segmentFileName(recording, segmentIndex));
}
