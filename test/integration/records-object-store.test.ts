// The records object store on a real Ceph RADOS Gateway: what COMPLIANCE Object Lock and legal
// hold refuse, each refusal shown beside the same request succeeding where no lock applies, so
// the test fails if the lock were not there.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand,
  PutObjectCommand, PutObjectRetentionCommand, S3Client,
} from '@aws-sdk/client-s3';
import { ObjectLockBucket, ObjectStoreError, segmentKey, type S3Settings } from '../../host-tools/records/object-store.js';
import { freshRecordsServices, type FreshRecordsServices } from '../support/records-services.js';

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');
const md5 = (bytes: Uint8Array) => crypto.createHash('md5').update(bytes).digest('base64');

function segment(size = 4096): { bytes: Uint8Array; digest: string } {
  const bytes = new Uint8Array(crypto.randomBytes(size));
  return { bytes, digest: sha256(bytes) };
}

/** A request's refusal by the server: its S3 error code. */
async function refusal(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return error instanceof ObjectStoreError ? error.code : (error as Error).name;
  }
  return 'accepted';
}

/** The SDK client on the same server and user, for requests chaincam itself would never send. */
function rawClient(s3: S3Settings): S3Client {
  return new S3Client({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

describe('records object store on the RADOS Gateway (S3 Object Lock)', function () {
  let services: FreshRecordsServices;
  let store: ObjectLockBucket;
  let raw: S3Client;
  let plainBucket: string;

  before(async () => {
    services = await freshRecordsServices('object-store');
    store = await ObjectLockBucket.open(services.settings.s3);
    raw = rawClient(services.settings.s3);
    // The control: a versioned bucket with no Object Lock on the same server.
    plainBucket = `${services.settings.s3.bucket}-plain`.slice(0, 63);
    await raw.send(new CreateBucketCommand({ Bucket: plainBucket }));
    await raw.send(new PutBucketVersioningCommand({ Bucket: plainBucket, VersioningConfiguration: { Status: 'Enabled' } }));
  });
  after(async () => {
    store?.close();
    raw?.destroy();
    await services?.drop();
  });

  it('stores a segment under its digest, locked in COMPLIANCE mode until the date given, and reads it back whole', async () => {
    const { bytes, digest } = segment(100_000);
    const until = minutes(30);
    const stored = await store.putSegment(digest, bytes, until);
    assert.equal(stored.key, `segments/${digest}.seg`);
    assert.equal(stored.length, bytes.length);
    assert.equal(stored.sha256, digest);
    assert.equal(stored.retainUntil?.getTime(), until.getTime());
    assert.equal(stored.legalHold, false);
    assert.deepEqual(await store.headSegment(digest), stored);
    assert.equal(sha256(await store.getSegment(digest)), digest);
    assert.ok((await store.listSegments()).includes(digest));
  });

  it('refuses bytes whose SHA-256 is not the digest they are stored under, and stores nothing', async () => {
    const { bytes, digest } = segment();
    const other = segment().digest;
    await assert.rejects(store.putSegment(other, bytes, minutes(30)), /do not have SHA-256 [0-9a-f]{64} \(the object store hashed them and refused them, XAmzContentSHA256Mismatch\): nothing stored/);
    assert.equal(await store.headSegment(other), undefined);
    assert.equal(await store.headSegment(digest), undefined);
  });

  it('the server refuses bytes damaged on the way (Content-MD5 mismatch: BadDigest) and keeps nothing; the right checksum is accepted', async () => {
    const { bytes, digest } = segment();
    const key = segmentKey(digest);
    const damaged = Uint8Array.from(bytes);
    damaged[100]! ^= 1;
    const put = (body: Uint8Array) => raw.send(new PutObjectCommand({
      Bucket: store.bucket, Key: key, Body: body, ContentMD5: md5(bytes), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: minutes(5),
    }));
    assert.equal(await refusal(put(damaged)), 'BadDigest');
    assert.equal(await store.headSegment(digest), undefined);
    await put(bytes);
    assert.equal((await store.headSegment(digest))?.length, bytes.length);
  });

  it('a locked version cannot be deleted, by chaincam or by a direct request; the same delete succeeds without the lock', async () => {
    const { bytes, digest } = segment();
    const { versionId, key } = await store.putSegment(digest, bytes, minutes(30));
    assert.equal(await refusal(store.deleteSegment(digest)), 'AccessDenied');
    assert.equal(await refusal(raw.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key, VersionId: versionId }))), 'AccessDenied');
    assert.equal(await refusal(raw.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key, VersionId: versionId, BypassGovernanceRetention: true }))), 'AccessDenied');
    assert.equal(sha256(await store.getSegment(digest)), digest);

    const plain = await raw.send(new PutObjectCommand({ Bucket: plainBucket, Key: key, Body: bytes }));
    await raw.send(new DeleteObjectCommand({ Bucket: plainBucket, Key: key, VersionId: plain.VersionId }));
    const left = await raw.send(new ListObjectVersionsCommand({ Bucket: plainBucket, Prefix: key }));
    assert.equal(left.Versions?.length ?? 0, 0);
  });

  it('a locked version cannot be overwritten away: a new PUT or a delete marker leaves it readable and still undeletable', async () => {
    const { bytes, digest } = segment();
    const { versionId, key } = await store.putSegment(digest, bytes, minutes(30));
    await raw.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: new TextEncoder().encode('replaced') }));
    await raw.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key }));
    assert.equal(await store.headSegment(digest), undefined, 'the latest is now a delete marker');
    const kept = await raw.send(new GetObjectCommand({ Bucket: store.bucket, Key: key, VersionId: versionId }));
    assert.equal(sha256(await kept.Body!.transformToByteArray()), digest);
    assert.equal(await refusal(raw.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: key, VersionId: versionId }))), 'AccessDenied');
    // Without a lock the same two requests do take the original away.
    const plain = await raw.send(new PutObjectCommand({ Bucket: plainBucket, Key: key, Body: bytes }));
    await raw.send(new DeleteObjectCommand({ Bucket: plainBucket, Key: key, VersionId: plain.VersionId }));
    assert.match(await refusal(raw.send(new GetObjectCommand({ Bucket: plainBucket, Key: key, VersionId: plain.VersionId }))), /^NoSuch(Key|Version)$/);
  });

  it('retention can be extended but not shortened, by chaincam or a direct request, nor turned into GOVERNANCE', async () => {
    const { bytes, digest } = segment();
    const { versionId, key } = await store.putSegment(digest, bytes, minutes(30));
    const later = minutes(90);
    assert.equal((await store.extendRetention(digest, later)).retainUntil?.getTime(), later.getTime());
    await assert.rejects(store.extendRetention(digest, minutes(60)), /retention can only be extended, not shortened/);
    const shorten = (mode: 'COMPLIANCE' | 'GOVERNANCE', until: Date) => raw.send(new PutObjectRetentionCommand({
      Bucket: store.bucket, Key: key, VersionId: versionId, Retention: { Mode: mode, RetainUntilDate: until },
    }));
    assert.equal(await refusal(shorten('COMPLIANCE', minutes(60))), 'AccessDenied');
    assert.equal(await refusal(shorten('GOVERNANCE', minutes(120))), 'AccessDenied');
    assert.equal((await store.headSegment(digest))?.retainUntil?.getTime(), later.getTime());
  });

  it('a legal hold keeps a segment past its retention date; lifted, the same delete succeeds', async () => {
    const { bytes, digest } = segment();
    const until = new Date(Date.now() + 2_000);
    await store.putSegment(digest, bytes, until);
    assert.equal((await store.setLegalHold(digest, true)).legalHold, true);
    // Waits for a date to pass (the server's clock is this machine's): no result depends on speed.
    while (Date.now() <= until.getTime() + 1_000) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await refusal(store.deleteSegment(digest)), 'AccessDenied');
    assert.equal(sha256(await store.getSegment(digest)), digest);
    assert.equal((await store.setLegalHold(digest, false)).legalHold, false);
    await store.deleteSegment(digest);
    assert.equal(await store.headSegment(digest), undefined);
    await assert.rejects(store.getSegment(digest), /is not in the bucket/);
  });

  it('putting a stored segment again stores no second version, and extends its retention if asked for longer', async () => {
    const { bytes, digest } = segment();
    const first = await store.putSegment(digest, bytes, minutes(30));
    const again = await store.putSegment(digest, bytes, minutes(30));
    assert.equal(again.versionId, first.versionId);
    const longer = minutes(45);
    assert.equal((await store.putSegment(digest, bytes, longer)).retainUntil?.getTime(), longer.getTime());
    const versions = await raw.send(new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: first.key }));
    assert.equal(versions.Versions?.length, 1);
  });

  it('log objects (checkpoints, tiles) are stored locked under log/, listed by prefix, and never replaced by other bytes', async () => {
    const checkpoint = new TextEncoder().encode('chaincam records log\n7\nabc=\n');
    const stored = await store.putLogObject('checkpoint-7', checkpoint, minutes(30));
    assert.equal(stored.key, 'log/checkpoint-7');
    assert.ok(stored.retainUntil);
    assert.deepEqual(await store.getLogObject('checkpoint-7'), checkpoint);
    assert.equal(await store.getLogObject('checkpoint-8'), undefined);
    assert.deepEqual(await store.listLogObjects('checkpoint-'), ['checkpoint-7']);
    assert.equal((await store.putLogObject('checkpoint-7', checkpoint, minutes(30))).versionId, stored.versionId);
    await assert.rejects(store.putLogObject('checkpoint-7', new TextEncoder().encode('chaincam records log\n7\nxyz=\n'), minutes(30)), /already stored with other bytes .*: a records log object is never replaced/);
    assert.deepEqual(await store.getLogObject('checkpoint-7'), checkpoint);
    assert.equal(await refusal(raw.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: stored.key, VersionId: stored.versionId }))), 'AccessDenied');
    await assert.rejects(store.putLogObject('../segments/x', checkpoint, minutes(30)), /not a records log object name/);
  });

  it('the lock cannot be switched off: versioning stays on, and a bucket without Object Lock is refused', async () => {
    const suspend = raw.send(new PutBucketVersioningCommand({ Bucket: store.bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    assert.equal(await refusal(suspend), 'InvalidBucketState');
    await assert.rejects(ObjectLockBucket.open({ ...services.settings.s3, bucket: plainBucket }), /has no Object Lock, so its footage could be deleted/);
    await assert.rejects(ObjectLockBucket.open({ ...services.settings.s3, bucket: `${plainBucket}-none`.slice(0, 63) }), /does not exist/);
  });
});
