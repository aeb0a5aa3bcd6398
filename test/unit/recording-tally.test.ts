// What verify says about each recording as it walks a chain (host-tools/verify/recording-tally.ts):
// continuity of segments (a gap only where a segment-lost event explains it), releases of earlier
// segments only, grounds and notice as a reader of the report sees them, the clock's correction,
// and the notes on times that run backwards.
import assert from 'node:assert/strict';
import type { ChainEvent } from '../../firmware/format/chain-events.js';
import type { ChainRecord, SegmentRecord } from '../../firmware/format/chain-records.js';
import { RecordingTally, describeNotice } from '../../host-tools/verify/recording-tally.js';

const T0 = Date.UTC(2026, 5, 1, 8);

/** A chain fed to a tally record by record, as verify does; `add` answers what the tally says. */
class Chain {
  readonly tally = new RecordingTally();
  readonly entries: { record: ChainRecord }[] = [];
  time = T0;

  #push(record: ChainRecord): string | undefined {
    const problem = this.tally.add(record, this.entries);
    this.entries.push({ record });
    return problem;
  }

  event(event: ChainEvent, time = (this.time += 1000)): string | undefined {
    return this.#push({ kind: 'event', sequence: this.entries.length, time, event });
  }

  segment(recording: number, segmentIndex: number, fields: Partial<SegmentRecord> = {}): string | undefined {
    this.time += 1000;
    return this.#push({
      kind: 'segment', sequence: this.entries.length, time: this.time, recording, segmentIndex,
      startTime: this.time - 1000, endTime: this.time, legalGround: 2, noticeIndicators: 0b111, noticeReason: 0, noticeText: '',
      sealedLength: 1000 + segmentIndex, sealedDigest: new Uint8Array(32).fill(segmentIndex + 1), ...fields,
    });
  }

  start(recording: number, legalGround = 2, startMode = 1): string | undefined {
    return this.event({ type: 'recording-start', recording, legalGround, startMode });
  }

  stop(recording: number, stopReason = 1): string | undefined {
    return this.event({ type: 'recording-stop', recording, stopReason });
  }

  last(): SegmentRecord {
    return this.entries.at(-1)!.record as SegmentRecord;
  }
}

describe('verify\'s tally of recordings', () => {
  it('describes notice as a report reads it: the channels on, or why notice was not given', () => {
    assert.equal(describeNotice(0b111, 0, ''), 'given (led+tone+display)');
    assert.equal(describeNotice(0b101, 0, 'ignored'), 'given (led+display)');
    assert.equal(describeNotice(0, 0, ''), 'given (no indicator)');
    assert.equal(describeNotice(0b010, 2, 'armed suspect'), 'NOT given: notice would have endangered the officer or others "armed suspect" (tone)');
    assert.equal(describeNotice(0, 3, ''), 'NOT given: notice was physically impossible (no indicator)');
    assert.equal(describeNotice(0b001, 7, 'x'), 'NOT given: reason 7 "x" (led)');
  });

  it('records each recording\'s start, grounds, segments, notice failures, losses, configuration and stop, in recording order', () => {
    const chain = new Chain();
    assert.equal(chain.event({ type: 'config-change-v1', configDigest: new Uint8Array(32), summary: 'profile kr-2024' }), undefined);
    assert.equal(chain.start(9, 0, 2), undefined);
    assert.equal(chain.event({ type: 'config-change', configDigest: new Uint8Array(32), configuration: Uint8Array.of(1), summary: 'profile generic' }), undefined);
    assert.equal(chain.start(3, 2, 1), undefined);
    assert.equal(chain.segment(3, 0), undefined);
    const first = chain.last();
    assert.equal(chain.event({ type: 'notice-failure', recording: 3, failedIndicators: 0b001, noticeReason: 1, text: 'LED dark' }), undefined);
    assert.equal(chain.segment(3, 1, { noticeIndicators: 0b110, noticeReason: 1, noticeText: 'LED dark' }), undefined);
    const second = chain.last();
    assert.equal(chain.event({ type: 'segment-lost', recording: 3, segmentIndex: 2, lossReason: 1 }), undefined);
    assert.equal(chain.event({ type: 'ground-change', recording: 9, fromGround: 0, toGround: 4, reason: 'confirmed' }), undefined);
    assert.equal(chain.stop(3, 2), undefined);
    assert.equal(chain.event({ type: 'power-on', resetReason: 1, firmwareVersion: '1' }), undefined);

    const [nine, three] = [chain.tally.findings()[1]!, chain.tally.findings()[0]!];
    assert.deepEqual(chain.tally.findings().map((f) => f.recording), [3, 9]);
    assert.deepEqual(three, {
      recording: 3, startTime: T0 + 4000, startMode: 1, stopTime: T0 + 10_000, stopReason: 2, grounds: [2],
      configuration: 'profile generic',
      segments: [
        { sequence: first.sequence, segmentIndex: 0, startTime: first.startTime, endTime: first.endTime, legalGround: 2, notice: 'given (led+tone+display)', noticeGiven: true, sealedLength: 1000, sealedDigest: '01'.repeat(32), file: 'absent' },
        { sequence: second.sequence, segmentIndex: 1, startTime: second.startTime, endTime: second.endTime, legalGround: 2, notice: 'NOT given: an indicator failed "LED dark" (tone+display)', noticeGiven: false, sealedLength: 1001, sealedDigest: '02'.repeat(32), file: 'absent' },
      ],
      lostSegments: [2],
      noticeFailures: ['NOT given: an indicator failed "LED dark" (tone+display)'],
    });
    assert.equal(nine.configuration, 'profile kr-2024 (recorded by digest only; its configuration is not on the chain)');
    assert.deepEqual(nine.grounds, [0, 4]);
    assert.equal(nine.startMode, 2);
    assert.deepEqual(chain.tally.notes(), []);
  });

  it('refuses a recording started twice, and notes one with no start or an emergency ground never confirmed', () => {
    const chain = new Chain();
    chain.start(1);
    assert.equal(chain.start(1), 'recording 1 was already started');
    chain.start(2, 0);
    chain.start(3, 0);
    chain.event({ type: 'ground-change', recording: 3, fromGround: 0, toGround: 5, reason: 'confirmed' });
    chain.start(4, 5);
    chain.event({ type: 'ground-change', recording: 4, fromGround: 5, toGround: 0, reason: 'emergency' });
    chain.segment(6, 0);
    assert.deepEqual(chain.tally.notes(), [
      'recording 2: the legal ground was never confirmed after the emergency start',
      'recording 4: the legal ground was never confirmed after the emergency start',
      'recording 6: no recording-start event in this chain',
    ]);
  });

  it('accepts segments in order and gaps a segment-lost event explains; refuses a repeat, a step back, or an unexplained gap', () => {
    const chain = new Chain();
    chain.start(5);
    assert.equal(chain.segment(5, 0), undefined);
    assert.equal(chain.segment(5, 0), 'segment 0 of recording 5 repeats or goes back (segment 0 came before)');
    assert.equal(chain.segment(5, 1), undefined);
    assert.equal(chain.segment(5, 3), 'gap: segment 2 of recording 5 has no record and no segment-lost event before this one');
    // A loss continues the recording as a record would: lost 3 cannot skip segment 2.
    assert.equal(chain.event({ type: 'segment-lost', recording: 5, segmentIndex: 3, lossReason: 1 }), 'gap: segment 2 of recording 5 has no record and no segment-lost event before this one');
    assert.equal(chain.event({ type: 'segment-lost', recording: 5, segmentIndex: 2, lossReason: 1 }), undefined);
    assert.equal(chain.segment(5, 2), 'segment 2 of recording 5 repeats or goes back (segment 2 came before)', 'a lost segment counts as come');
    assert.equal(chain.event({ type: 'segment-lost', recording: 5, segmentIndex: 2, lossReason: 1 }), 'segment 2 of recording 5 repeats or goes back (segment 2 came before)');
    assert.equal(chain.segment(5, 4), 'gap: segment 3 of recording 5 has no record and no segment-lost event before this one');
    assert.equal(chain.segment(5, 3), undefined);
    assert.equal(chain.segment(5, 4), undefined);
    assert.equal(chain.tally.isLost(5, 2), true);
    assert.equal(chain.tally.isLost(5, 4), false);
    assert.equal(chain.tally.hasSegment(5, 4), true);
    assert.equal(chain.tally.hasSegment(5, 2), false);
    assert.equal(chain.event({ type: 'segment-lost', recording: 5, segmentIndex: 1, lossReason: 1 }), 'names segment 1 of recording 5 as lost, but it has a record');
  });

  it('a recording whose first segment is lost still needs every segment before the next explained', () => {
    const chain = new Chain();
    chain.start(8);
    assert.equal(chain.event({ type: 'segment-lost', recording: 8, segmentIndex: 0, lossReason: 1 }), undefined);
    assert.equal(chain.segment(8, 2), 'gap: segment 1 of recording 8 has no record and no segment-lost event before this one');
    assert.equal(chain.event({ type: 'segment-lost', recording: 8, segmentIndex: 1, lossReason: 1 }), undefined);
    assert.equal(chain.segment(8, 2), undefined);
    assert.deepEqual(chain.tally.findings()[0]!.lostSegments, [0, 1]);
  });

  it('a release must name an earlier segment record with its digest; the released file is then accounted for', () => {
    const chain = new Chain();
    chain.start(1);
    chain.segment(1, 0);
    const kept = chain.last();
    chain.segment(1, 1);
    const released = chain.last();
    const release = (segmentSequence: number, sealedDigest = released.sealedDigest) =>
      chain.event({ type: 'release', segmentSequence, sealedDigest, receiptDigest: new Uint8Array(32) });
    assert.equal(release(0), 'releases record #0, which is not an earlier segment record', 'an event record');
    // Each refused release is still appended (the test goes on), so the next sequence is worked out first.
    let next = chain.entries.length;
    assert.equal(release(next), `releases record #${next}, which is not an earlier segment record`, 'itself');
    next = chain.entries.length + 5;
    assert.equal(release(next), `releases record #${next}, which is not an earlier segment record`);
    assert.equal(release(released.sequence, kept.sealedDigest), `releases record #${released.sequence} with a different sealed digest`);
    assert.equal(release(released.sequence), undefined);

    chain.tally.fileVerified(kept);
    chain.tally.fileAbsent(released);
    assert.equal(chain.tally.missingFiles(), undefined);
    assert.deepEqual(chain.tally.findings()[0]!.segments.map((s) => s.file), ['verified', 'released']);

    chain.segment(1, 2);
    const gone = chain.last();
    chain.tally.fileAbsent(gone);
    assert.equal(chain.tally.missingFiles(), gone, 'an absent file no release accounts for');
  });

  it('marks the file of exactly the segment verified', () => {
    const chain = new Chain();
    chain.start(1);
    chain.segment(1, 0);
    chain.segment(1, 1);
    chain.tally.fileVerified(chain.last());
    assert.deepEqual(chain.tally.findings()[0]!.segments.map((s) => s.file), ['absent', 'verified']);
  });

  it('measures the clock\'s error at the first setting after a recording stopped, for stopped recordings only', () => {
    const chain = new Chain();
    chain.start(1);
    chain.stop(1);
    chain.start(2);
    chain.event({ type: 'clock-set', previousTime: T0 + 5000, newTime: T0 + 65_000, source: 1 });
    chain.stop(2);
    chain.event({ type: 'clock-set', previousTime: T0 + 70_000, newTime: T0 + 69_000, source: 1 });
    const [one, two] = chain.tally.findings();
    assert.deepEqual(one!.clockCorrection, { offsetMs: 60_000, sequence: 3 });
    assert.deepEqual(two!.clockCorrection, { offsetMs: -1000, sequence: 5 });
  });

  it('notes a time that runs backwards, except to where a clock setting put the clock', () => {
    const chain = new Chain();
    chain.event({ type: 'power-on', resetReason: 1, firmwareVersion: '1' }, T0);
    chain.event({ type: 'power-on', resetReason: 1, firmwareVersion: '1' }, T0);
    assert.deepEqual(chain.tally.notes(), [], 'the same time twice is not backwards');
    chain.event({ type: 'clock-set', previousTime: T0, newTime: T0 - 60_000, source: 1 }, T0);
    chain.event({ type: 'power-on', resetReason: 1, firmwareVersion: '1' }, T0 - 60_000);
    assert.deepEqual(chain.tally.notes(), [], 'to exactly the time set');
    chain.event({ type: 'clock-set', previousTime: T0, newTime: T0 - 60_000, source: 1 }, T0 - 59_000);
    chain.event({ type: 'power-on', resetReason: 1, firmwareVersion: '1' }, T0 - 60_001);
    chain.event({ type: 'power-on', resetReason: 1, firmwareVersion: '1' }, T0 - 60_002);
    assert.deepEqual(chain.tally.notes(), [
      `time runs backwards at record #5: ${new Date(T0 - 60_001).toISOString()} after ${new Date(T0 - 59_000).toISOString()} at record #4, with no clock setting between them; the camera's clock was not monotonic, so its times here are not reliable`,
      `time runs backwards at record #6: ${new Date(T0 - 60_002).toISOString()} after ${new Date(T0 - 60_001).toISOString()} at record #5, with no clock setting between them; the camera's clock was not monotonic, so its times here are not reliable`,
    ]);
    chain.tally.addNote('a note of verify\'s own');
    assert.equal(chain.tally.notes().at(-1), 'a note of verify\'s own');
  });
});
