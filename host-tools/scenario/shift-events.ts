// The camera's chain events as one line a person reads while the shift runs.
import { legalGround } from '../../firmware/policy/legal-grounds.js';

export type CameraEvent = { t: number; type: string } & Record<string, unknown>;

const STOP = ['', 'officer stopped', 'maximum duration', 'low battery', 'storage full', 'power lost'];
const CHANNELS = (mask: number) => ['LED', 'buzzer', 'sign'].filter((_, i) => mask & (1 << i)).join('+');

function ground(code: unknown): string {
  return code ? `ground ${code} (${legalGround(Number(code)).en})` : 'ground not yet confirmed';
}

export function describeEvent(e: CameraEvent): string | undefined {
  switch (e.type) {
    case 'power-on': return `power-on: firmware ${e.firmwareVersion}${e.resetReason === 5 ? ', recovering after a power cut' : ''}`;
    case 'recording-start': return `recording-start: recording ${e.recording}, ${ground(e.legalGround)}${e.startMode === 2 ? ', one-press emergency start' : ''}`;
    case 'recording-stop': return `recording-stop: recording ${e.recording}, ${STOP[Number(e.stopReason)] ?? e.stopReason}`;
    case 'ground-change': return `ground-change: recording ${e.recording}, ${e.fromGround} → ${ground(e.toGround)}, "${e.reason}"`;
    case 'ground-unconfirmed': return `ground-unconfirmed: recording ${e.recording}, not confirmed within ${Number(e.deadlineMs) / 1000} s`;
    case 'notice-failure': return `notice-failure: recording ${e.recording}, ${CHANNELS(Number(e.failedIndicators)) || 'no channel'}: ${e.text}`;
    case 'segment-lost': return `segment-lost: recording ${e.recording} segment ${e.segmentIndex} (open at the power cut)`;
    case 'dock-session': return `dock-session: ${e.phase === 1 ? 'opened' : 'closed'}`;
    case 'clock-set': return `clock-set by the dock: ${new Date(Number(e.previousTime)).toISOString()} → ${new Date(Number(e.newTime)).toISOString()}`;
    case 'release': return `release: segment record #${e.segmentSequence} freed after the dock's receipt`;
    default: return undefined;
  }
}
