// The report `chaincam verify` prints for a camera's evidence is what an investigator reads and a
// court may be shown: every line of it, exactly, for a report with each kind of finding.
import assert from 'node:assert/strict';
import type { VerifyReport } from '../../host-tools/verify/verify-evidence.js';
import { formatVerifyReport } from '../../host-tools/verify/verify-report.js';

const T = Date.UTC(2026, 5, 1, 8, 0, 0);
const segment = { sequence: 4, segmentIndex: 0, startTime: T + 1000, endTime: T + 61_500, legalGround: 2, notice: 'given (led+tone)', noticeGiven: true, sealedLength: 1_234_567, sealedDigest: 'ab'.repeat(32), file: 'verified' as const };

function report(fields: Partial<VerifyReport>): VerifyReport {
  return {
    ok: true, dir: '/media/bwc-0042', deviceId: '00112233445566778899aabbccddeeff', label: 'BWC-0042', cameraKeySource: 'pinned',
    records: 12, checkpoints: 4, recordings: [], notes: [], bytesHashed: 2_468_000, ...fields,
  };
}

describe('verify\'s printed report', () => {
  it('says what was proven: the camera and its key, counts, each recording with its segments, losses, notice failures and notes', () => {
    const text = formatVerifyReport(report({
      recordings: [
        {
          recording: 3, startTime: T, stopTime: T + 125_000, startMode: 2, stopReason: 1, grounds: [0, 6], configuration: 'profile kr-2024; agency key 0011223344556677; docks none',
          segments: [segment, { ...segment, sequence: 6, segmentIndex: 1, startTime: T + 61_500, endTime: T + 124_000, notice: 'NOT given: an indicator failed (tone)', noticeGiven: false, file: 'released' }],
          lostSegments: [2], noticeFailures: ['NOT given: an indicator failed (tone)'], clockCorrection: { offsetMs: -2_500, sequence: 11 },
        },
        { recording: 4, grounds: [], segments: [], lostSegments: [], noticeFailures: [], clockCorrection: { offsetMs: 1_250, sequence: 11 } },
        { recording: 5, startTime: T + 200_000, grounds: [2], segments: [], lostSegments: [], noticeFailures: [] },
      ],
      notes: ['camera key taken from the evidence set itself; pass --camera CAMERA.pub from provisioning to pin it'],
    }));
    assert.equal(text, [
      'evidence /media/bwc-0042',
      'camera 00112233445566778899aabbccddeeff "BWC-0042" (key pinned with --camera)',
      '12 records verified, 4 signed checkpoints, 2.5 MB of sealed footage hashed',
      'recording 3: 2026-06-01T08:00:00.000Z - 2026-06-01T08:02:05.000Z (officer stopped), one-press emergency start (as recorded)',
      "  corrected: 2026-06-01T07:59:57.500Z - 2026-06-01T08:02:02.500Z (the camera's clock was 2.500 s ahead when record #11 set it)",
      '  legal ground: 0 (unconfirmed (emergency start)) -> 6 (urgently preventing or stopping a crime threatening life, body or major property)',
      '  configuration: profile kr-2024; agency key 0011223344556677; docks none',
      '  segment 0 (record #4) 2026-06-01T08:00:01.000Z +60.5 s, ground 2, notice given (led+tone), 1234567 bytes, verified',
      '  segment 1 (record #6) 2026-06-01T08:01:01.500Z +62.5 s, ground 2, notice NOT given: an indicator failed (tone), 1234567 bytes, released',
      '  segment 2: LOST (recorded by the camera)',
      '  notice failure: NOT given: an indicator failed (tone)',
      'recording 4: ? - ? (as recorded)',
      "  corrected: ? - ? (the camera's clock was -1.250 s behind when record #11 set it)",
      '  legal ground: no start event',
      'recording 5: 2026-06-01T08:03:20.000Z - ?',
      '  legal ground: 2 (crime under way, imminent or just committed; evidence must be preserved urgently)',
      'note: camera key taken from the evidence set itself; pass --camera CAMERA.pub from provisioning to pin it',
      'VERIFIED: every link, signature and segment digest checks out',
      '',
    ].join('\n'));
  });

  it('names a key from the set, no label, codes it does not know, a clock set exactly right, and the failure', () => {
    const text = formatVerifyReport(report({
      ok: false, label: '', cameraKeySource: 'evidence set', bytesHashed: 0,
      recordings: [{ recording: 1, startTime: T, startMode: 99, stopReason: 98, grounds: [77], segments: [], lostSegments: [], noticeFailures: [], clockCorrection: { offsetMs: 0, sequence: 5 } }],
      failure: { record: 7, file: 'chain.log', message: 'record #7 (event: release) at chain.log offset 400: releases record #3, which is not an earlier segment record' },
    }));
    assert.equal(text, [
      'evidence /media/bwc-0042',
      'camera 00112233445566778899aabbccddeeff (key from the evidence set)',
      '12 records verified, 4 signed checkpoints, 0.0 MB of sealed footage hashed',
      'recording 1: 2026-06-01T08:00:00.000Z - ? (stop reason 98), start mode 99 (as recorded)',
      "  corrected: 2026-06-01T08:00:00.000Z - ? (the camera's clock was 0.000 s ahead when record #5 set it)",
      '  legal ground: 77 (unknown)',
      'FAILED: record #7 (event: release) at chain.log offset 400: releases record #3, which is not an earlier segment record',
      '',
    ].join('\n'));
  });

  it('a set that failed before its camera was read names no camera, and a failure with no message still says it failed', () => {
    assert.equal(formatVerifyReport(report({ ok: false, deviceId: '', label: '', records: 0, checkpoints: 0, bytesHashed: 0 })), [
      'evidence /media/bwc-0042',
      '0 records verified, 0 signed checkpoints, 0.0 MB of sealed footage hashed',
      'FAILED: unknown failure',
      '',
    ].join('\n'));
  });
});
