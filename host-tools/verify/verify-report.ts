// verify's human-readable report: what was proven, then the first failure if any.
import { LEGAL_GROUNDS, START_MODES, STOP_REASONS } from '../../firmware/format/record-codes.js';
import type { VerifyReport } from './verify-evidence.js';

const when = (ms: number | undefined): string => (ms === undefined ? '?' : new Date(ms).toISOString());
const ground = (code: number): string => `${code} (${LEGAL_GROUNDS[code] ?? 'unknown'})`;

export function formatVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`evidence ${report.dir}`);
  if (report.deviceId) lines.push(`camera ${report.deviceId}${report.label ? ` "${report.label}"` : ''} (key ${report.cameraKeySource === 'pinned' ? 'pinned with --camera' : 'from the evidence set'})`);
  lines.push(`${report.records} records verified, ${report.checkpoints} signed checkpoints, ${(report.bytesHashed / 1e6).toFixed(1)} MB of sealed footage hashed`);
  for (const r of report.recordings) {
    const start = r.startMode ? `, ${START_MODES[r.startMode] ?? `start mode ${r.startMode}`}` : '';
    const stop = r.stopReason ? ` (${STOP_REASONS[r.stopReason] ?? `stop reason ${r.stopReason}`})` : '';
    lines.push(`recording ${r.recording}: ${when(r.startTime)} - ${when(r.stopTime)}${stop}${start}${r.clockCorrection ? ' (as recorded)' : ''}`);
    if (r.clockCorrection) {
      const { offsetMs, sequence } = r.clockCorrection;
      const shift = (ms: number | undefined) => (ms === undefined ? undefined : ms + offsetMs);
      lines.push(`  corrected: ${when(shift(r.startTime))} - ${when(shift(r.stopTime))} (the camera's clock was ${(-offsetMs / 1000).toFixed(3)} s ${offsetMs <= 0 ? 'ahead' : 'behind'} when record #${sequence} set it)`);
    }
    lines.push(`  legal ground: ${r.grounds.length ? r.grounds.map(ground).join(' -> ') : 'no start event'}`);
    if (r.configuration) lines.push(`  configuration: ${r.configuration}`);
    for (const s of r.segments) {
      lines.push(`  segment ${s.segmentIndex} (record #${s.sequence}) ${when(s.startTime)} +${((s.endTime - s.startTime) / 1000).toFixed(1)} s, ` +
        `ground ${s.legalGround}, notice ${s.notice}, ${s.sealedLength} bytes, ${s.file}`);
    }
    for (const lost of r.lostSegments) lines.push(`  segment ${lost}: LOST (recorded by the camera)`);
    for (const failure of r.noticeFailures) lines.push(`  notice failure: ${failure}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.ok) lines.push('VERIFIED: every link, signature and segment digest checks out');
  else lines.push(`FAILED: ${report.failure?.message ?? 'unknown failure'}`);
  return `${lines.join('\n')}\n`;
}
