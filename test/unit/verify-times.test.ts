// verify's view of the camera's clock: a step back with no clock setting is flagged, one a
// clock setting explains is not, and a recording stopped before a clock setting gets that
// setting's correction (recorded time + offset), shown beside the times as recorded.
import assert from 'node:assert/strict';
import type { ChainRecord } from '../../firmware/format/chain-records.js';
import type { ChainEvent } from '../../firmware/format/chain-events.js';
import { RecordingTally } from '../../host-tools/verify/recording-tally.js';
import { formatVerifyReport } from '../../host-tools/verify/verify-report.js';

const event = (sequence: number, time: number, e: ChainEvent): ChainRecord => ({ kind: 'event', sequence, time, event: e });

function tally(records: ChainRecord[]): RecordingTally {
  const t = new RecordingTally();
  const earlier: { record: ChainRecord }[] = [];
  for (const record of records) {
    assert.equal(t.add(record, earlier), undefined);
    earlier.push({ record });
  }
  return t;
}

describe('verify: the camera clock', () => {
  const T = Date.UTC(2026, 10, 29, 9);
  const recording = [
    event(0, T, { type: 'recording-start', recording: 1, legalGround: 1, startMode: 1 }),
    event(1, T + 60_000, { type: 'recording-stop', recording: 1, stopReason: 1 }),
  ];

  it('flags a time that runs backwards without a clock setting, naming both records', () => {
    const t = tally([...recording, event(2, T + 30_000, { type: 'power-on', resetReason: 1, firmwareVersion: 'x' })]);
    assert.equal(t.notes().length, 1);
    assert.match(t.notes()[0]!, /time runs backwards at record #2: .* after .* at record #1, with no clock setting between them/);
  });

  it('accepts the step back a clock setting makes, and corrects the recording before it', () => {
    const offset = -12_751;
    const t = tally([
      ...recording,
      event(2, T + 90_000, { type: 'clock-set', previousTime: T + 90_000, newTime: T + 90_000 + offset, source: 1 }),
      event(3, T + 90_000 + offset + 5, { type: 'dock-session', phase: 2, dockId: new Uint8Array(16) }),
    ]);
    assert.deepEqual(t.notes(), []);
    const [finding] = t.findings();
    assert.deepEqual(finding!.clockCorrection, { offsetMs: offset, sequence: 2 });
    const report = formatVerifyReport({ ok: true, dir: 'x', deviceId: '', label: '', cameraKeySource: 'pinned', records: 4, checkpoints: 0, recordings: t.findings(), notes: [], bytesHashed: 0 } as never);
    assert.match(report, /recording 1: 2026-11-29T09:00:00\.000Z - 2026-11-29T09:01:00\.000Z \(officer stopped\), ground chosen before start \(as recorded\)/);
    assert.match(report, /corrected: 2026-11-29T08:59:47\.249Z - 2026-11-29T09:00:47\.249Z \(the camera's clock was 12\.751 s ahead when record #2 set it\)/);
  });
});
