// Checks an export sidecar's chain proof the way an outside verifier would, from
// docs/FORMAT.md alone (sections 6, 6.3, 8 and 12) with node:crypto: the links recompute
// from previousLink through every record, the checkpoint signs the head, and every segment
// the sidecar lists is committed to by a segment record in the proof.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

interface Proof {
  previousLink: string;
  records: { sequence: number; kind: string; record: string; link: string }[];
  checkpoint: { sequence: number; time: number; headLink: string; signature: string };
}

const sha256 = (...parts: Buffer[]): Buffer => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();

export function checkSidecarProof(sidecar: { cameraPublicKey: string; deviceId: string; segments: { sealedDigest: string }[]; chainProof: Proof }): void {
  const proof = sidecar.chainProof;
  let link: Buffer = Buffer.from(proof.previousLink, 'hex');
  const bodies: Buffer[] = [];
  for (const r of proof.records) {
    const body = Buffer.from(r.record, 'hex');
    bodies.push(body);
    if (body[1] === 3) assert.deepEqual(body.subarray(30, 62), link, `checkpoint #${r.sequence} signs the link before it`);
    link = sha256(Buffer.from('chaincam/link/v1\0'), link, body);
    assert.equal(link.toString('hex'), r.link, `link after record #${r.sequence}`);
  }
  const last = bodies.at(-1)!;
  assert.equal(last[1], 3, 'the proof ends at a checkpoint');
  const message = Buffer.concat([Buffer.from('chaincam/checkpoint/v1\0'), last.subarray(14, 30), last.subarray(2, 6), last.subarray(30, 62), last.subarray(6, 14)]);
  const raw = Buffer.from(sidecar.cameraPublicKey, 'hex');
  const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  assert.ok(crypto.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, last.subarray(62, 126)), 'the checkpoint signature verifies with the camera key');
  const committed = new Set(bodies.filter((b) => b[1] === 1).map((b) => b.subarray(49, 81).toString('hex')));
  for (const segment of sidecar.segments) assert.ok(committed.has(segment.sealedDigest), `segment ${segment.sealedDigest} is in the proof`);
}
