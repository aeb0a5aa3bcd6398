// Each rule a segment record must keep (firmware/format/chain-records.ts, docs/FORMAT.md), at
// its boundary, on both sides: written by the camera and read back by verify. Written for the
// mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { decodeRecord, describeRecord, encodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';

const segment: SegmentRecord = {
  kind: 'segment', sequence: 5, time: 1_764_000_060_000,
  recording: 3, segmentIndex: 2, startTime: 1_764_000_000_000, endTime: 1_764_000_060_000,
  legalGround: 2, noticeIndicators: 0b111, noticeReason: 0, noticeText: '',
  sealedLength: 4096, sealedDigest: new Uint8Array(32).fill(7),
};
// Field offsets in the segment body (docs/FORMAT.md): header 14, recording 4, index 4, two times 8 each.
const GROUND = 38;
const INDICATORS = 39;
const REASON = 40;

function withByte(offset: number, value: number): Uint8Array {
  const bytes = encodeRecord(segment).slice();
  bytes[offset] = value;
  return bytes;
}

describe('segment record rules', () => {
  it('legal grounds 0 (an emergency start not yet confirmed) to 9 are written and read; 10 is refused both ways', () => {
    for (const legalGround of [0, 9]) assert.equal((decodeRecord(encodeRecord({ ...segment, legalGround })) as SegmentRecord).legalGround, legalGround);
    assert.throws(() => encodeRecord({ ...segment, legalGround: 10 }), /^Error: segment: legal ground 10 is not 0-9$/);
    assert.throws(() => decodeRecord(withByte(GROUND, 10)), /^Error: segment: legal ground 10 is not 0-9$/);
  });

  it('notice indicator bits: the three channels only', () => {
    for (const noticeIndicators of [0b001, 0b111]) assert.doesNotThrow(() => decodeRecord(encodeRecord({ ...segment, noticeIndicators })));
    assert.throws(() => encodeRecord({ ...segment, noticeIndicators: 0b1000 }), /^Error: segment: invalid notice indicator bits 8$/);
    assert.throws(() => decodeRecord(withByte(INDICATORS, 0b1111)), /^Error: segment: invalid notice indicator bits 15$/);
  });

  it('notice reasons: the Art. 10-6(2) codes only', () => {
    assert.doesNotThrow(() => encodeRecord({ ...segment, noticeReason: 9, noticeIndicators: 0, noticeText: 'subject unconscious' }));
    assert.throws(() => encodeRecord({ ...segment, noticeReason: 5 }), /^Error: segment: unknown notice reason 5$/);
    assert.throws(() => decodeRecord(withByte(REASON, 8)), /^Error: segment: unknown notice reason 8$/);
  });

  it('notice given needs an indicator on; a reason lets every indicator be off', () => {
    assert.throws(() => encodeRecord({ ...segment, noticeIndicators: 0, noticeReason: 0 }), /^Error: segment: notice marked given but no indicator was on$/);
    assert.throws(() => decodeRecord(withByte(INDICATORS, 0)), /notice marked given but no indicator was on/);
    assert.doesNotThrow(() => encodeRecord({ ...segment, noticeIndicators: 0, noticeReason: 1 }));
  });

  it('a segment may end when it starts, never before', () => {
    assert.doesNotThrow(() => encodeRecord({ ...segment, endTime: segment.startTime }));
    assert.throws(() => encodeRecord({ ...segment, endTime: segment.startTime - 1 }), /^Error: segment: end time before start time$/);
  });

  it('names the record as verify reports it', () => {
    assert.equal(describeRecord(segment), 'record #5 (segment: recording 3, segment 2)');
    assert.equal(describeRecord({ kind: 'checkpoint', sequence: 9, time: 0, deviceId: new Uint8Array(16), headLink: new Uint8Array(32), signature: new Uint8Array(64) }), 'record #9 (checkpoint)');
    assert.equal(describeRecord({ kind: 'event', sequence: 4, time: 0, event: { type: 'recording-stop', recording: 3, stopReason: 1 } }), 'record #4 (event: recording-stop)');
  });

  // A cut record is refused with the field it was cut in: where the damage is (docs/FORMAT.md's layout).
  it('a record cut short names the field it was cut in, for every kind', () => {
    const fields: [number, string][] = [
      [0, 'format version'], [1, 'record kind'], [2, 'sequence'], [6, 'time'],
    ];
    const segmentFields: [number, string][] = [...fields,
      [14, 'recording'], [18, 'segment index'], [22, 'start time'], [30, 'end time'], [38, 'legal ground'],
      [39, 'notice indicators'], [40, 'notice reason'], [41, 'sealed length'], [49, 'sealed digest'], [81, 'notice text length'], [82, 'notice text'],
    ];
    const event = { kind: 'event' as const, sequence: 4, time: 0, event: { type: 'recording-stop' as const, recording: 3, stopReason: 1 } };
    const checkpoint = { kind: 'checkpoint' as const, sequence: 9, time: 0, deviceId: new Uint8Array(16), headLink: new Uint8Array(32), signature: new Uint8Array(64) };
    const cases: [Uint8Array, [number, string][]][] = [
      [encodeRecord({ ...segment, noticeText: 'x' }), segmentFields],
      [encodeRecord(event), [...fields, [14, 'event type'], [16, 'payload length'], [18, 'event payload']]],
      [encodeRecord(checkpoint), [...fields, [14, 'device id'], [30, 'head link'], [62, 'signature']]],
    ];
    for (const [bytes, layout] of cases) {
      for (const [offset, what] of layout) {
        assert.throws(() => decodeRecord(bytes.subarray(0, offset)), new RegExp(`^Error: truncated: ${what} needs \\d+ bytes at offset ${offset}, 0 left$`), `cut at ${offset}`);
      }
    }
    assert.throws(() => decodeRecord(Uint8Array.of(...encodeRecord(checkpoint), 0, 0)), /^Error: checkpoint record has 2 unexpected trailing bytes$/);
    assert.throws(() => decodeRecord(Uint8Array.of(...encodeRecord(segment), 0)), /^Error: segment record has 1 unexpected trailing bytes$/);
  });

  it('refuses another format version, naming it', () => {
    assert.throws(() => decodeRecord(withByte(0, 2)), /^Error: unsupported record format version 2$/);
  });
});
