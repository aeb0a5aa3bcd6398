// The records system's S3 side: one bucket with Object Lock, each sealed segment an object
// `segments/<sha256 hex>.seg` under COMPLIANCE retention (nobody, root included, can delete or
// shorten it before its date; only extend it), a legal hold that keeps it past that date, and the
// records log's checkpoints and tiles under `log/`, locked the same way so a database
// administrator cannot roll the log back unseen. Written against Ceph's RADOS Gateway (16+)
// and any S3 with Object Lock, with the AWS SDK's S3 client.
//
// Integrity on PUT: the request is signed over the SHA-256 the bytes must have (the digest they
// are stored under), which the server checks (XAmzContentSHA256Mismatch; RGW 16 accepts
// x-amz-checksum-sha256 without checking it, but checks SigV4's payload hash), and Content-MD5
// goes with them too (BadDigest). The SHA-256 is kept as object metadata;
// `chaincam verify --records` reads each object back and hashes it.
import crypto from 'node:crypto';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, GetObjectLockConfigurationCommand, HeadObjectCommand,
  ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, PutObjectLegalHoldCommand,
  PutObjectRetentionCommand, S3Client, S3ServiceException, type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';

/** Where the bucket is; the same fields as the records CLI's --s3-* options and CHAINCAM_S3_* variables. */
export interface S3Settings { endpoint: string; accessKey: string; secretKey: string; region: string; bucket: string }

/** What HEAD says of a stored object's version: its size, checksum and lock. */
export interface ObjectLockState {
  key: string;
  versionId: string;
  length: number;
  /** The SHA-256 (hex) recorded when it was put, from its metadata. */
  sha256?: string;
  /** The COMPLIANCE retention date, when the version has one. */
  retainUntil?: Date;
  legalHold: boolean;
}

const SEGMENT_PREFIX = 'segments/';
const LOG_PREFIX = 'log/';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const LOG_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export function segmentKey(digestHex: string): string {
  if (!SHA256_HEX.test(digestHex)) throw new Error(`'${digestHex}' is not a SHA-256 digest (64 lowercase hex digits): no segment object has that name`);
  return `${SEGMENT_PREFIX}${digestHex}.seg`;
}

export function logObjectKey(name: string): string {
  if (!LOG_NAME.test(name) || name.includes('..')) throw new Error(`'${name}' is not a records log object name (letters, digits, . _ - /)`);
  return `${LOG_PREFIX}${name}`;
}

export class ObjectLockBucket {
  readonly #s3: S3Client;
  readonly #logS3: S3Client;
  readonly #settings: S3Settings;

  private constructor(settings: S3Settings) {
    this.#settings = settings;
    this.#s3 = ObjectLockBucket.#newClient(settings);
    this.#logS3 = ObjectLockBucket.#newClient(settings);
  }

  static #newClient(settings: S3Settings): S3Client {
    return new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
      // RGW serves buckets by path; the SDK's default CRC32 trailers are newer than RGW 16.
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /**
   * Segments and log objects (checkpoints, chains) go through separate clients, so separate
   * connection pools (the SDK's holds 50 sockets): every ack waits for a checkpoint, and with
   * one pool the checkpoint's requests queued behind the PUTs of a few hundred segments.
   */
  #client(key: string): S3Client {
    return key.startsWith(LOG_PREFIX) ? this.#logS3 : this.#s3;
  }

  get bucket(): string { return this.#settings.bucket; }

  /**
   * Opens the bucket, creating it with Object Lock when `create` and it does not exist. An
   * existing bucket without Object Lock is refused: footage there could be deleted.
   */
  static async open(settings: S3Settings, options: { create?: boolean } = {}): Promise<ObjectLockBucket> {
    const store = new ObjectLockBucket(settings);
    let enabled: string | undefined;
    try {
      enabled = (await store.#send('read the Object Lock setting of', '', () => store.#s3.send(new GetObjectLockConfigurationCommand({ Bucket: settings.bucket })))).ObjectLockConfiguration?.ObjectLockEnabled;
    } catch (error) {
      const missing = cause(error)?.name === 'NoSuchBucket';
      const unlocked = cause(error)?.name === 'ObjectLockConfigurationNotFoundError';
      if (missing && options.create) {
        await store.#send('create', '', () => store.#s3.send(new CreateBucketCommand({ Bucket: settings.bucket, ObjectLockEnabledForBucket: true })));
        return ObjectLockBucket.open(settings, {});
      }
      if (missing) throw new Error(`the bucket '${settings.bucket}' does not exist at ${settings.endpoint}: create it (chaincam records init) or give the right --s3-bucket`);
      if (!unlocked) throw error;
    }
    if (enabled !== 'Enabled') throw new Error(`the bucket '${settings.bucket}' at ${settings.endpoint} has no Object Lock, so its footage could be deleted: use a bucket created with Object Lock enabled`);
    return store;
  }

  /**
   * Stores a sealed segment under its digest with COMPLIANCE retention until `retainUntil`.
   * Idempotent by digest: a segment already stored is not put again (a second PUT would be a
   * second locked version; its retention is extended if `retainUntil` is later). That takes a
   * HEAD first, which a caller that knows no earlier attempt can have put it skips
   * (`firstAttempt`: the records ingest keeps that knowledge in PostgreSQL, segment_puts).
   */
  async putSegment(digestHex: string, bytes: Uint8Array, retainUntil: Date, options: { firstAttempt?: boolean } = {}): Promise<ObjectLockState> {
    const key = segmentKey(digestHex);
    // The bytes' SHA-256 is checked by the object store itself against digestHex (#putLocked).
    const stored = options.firstAttempt ? undefined : await this.#head(key);
    if (stored) {
      this.#confirm(stored, bytes.length, digestHex);
      if (!stored.retainUntil || stored.retainUntil < retainUntil) return this.#extend(stored, retainUntil);
      return stored;
    }
    return this.#putLocked(key, bytes, digestHex, retainUntil);
  }

  /**
   * Puts a records log object (checkpoint or tile) under `log/NAME`, locked like the segments.
   * A name already stored with other bytes is refused: a checkpoint of a given size is never
   * replaced, so a second one for that size is a fork to report, not to overwrite.
   */
  async putLogObject(name: string, bytes: Uint8Array, retainUntil: Date): Promise<ObjectLockState> {
    const key = logObjectKey(name);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const stored = await this.#head(key);
    if (stored && stored.sha256 !== sha256) {
      throw new Error(`${key} is already stored with other bytes (SHA-256 ${stored.sha256 ?? 'unrecorded'}, not ${sha256}): a records log object is never replaced`);
    }
    if (stored) {
      this.#confirm(stored, bytes.length, sha256);
      return !stored.retainUntil || stored.retainUntil < retainUntil ? this.#extend(stored, retainUntil) : stored;
    }
    return this.#putLocked(key, bytes, sha256, retainUntil);
  }

  async getSegment(digestHex: string): Promise<Uint8Array> {
    const bytes = await this.#get(segmentKey(digestHex));
    if (!bytes) throw new Error(`the segment ${digestHex} is not in the bucket '${this.bucket}'`);
    return bytes;
  }

  async getLogObject(name: string): Promise<Uint8Array | undefined> {
    return this.#get(logObjectKey(name));
  }

  async headSegment(digestHex: string): Promise<ObjectLockState | undefined> {
    return this.#head(segmentKey(digestHex));
  }

  /** Extends a segment's retention. Shortening is refused here (and by the server, in COMPLIANCE mode). */
  async extendRetention(digestHex: string, until: Date): Promise<ObjectLockState> {
    const stored = await this.#head(segmentKey(digestHex));
    if (!stored) throw new Error(`the segment ${digestHex} is not in the bucket '${this.bucket}': no retention to extend`);
    return this.#extend(stored, until);
  }

  async setLegalHold(digestHex: string, on: boolean): Promise<ObjectLockState> {
    const key = segmentKey(digestHex);
    const stored = await this.#head(key);
    if (!stored) throw new Error(`the segment ${digestHex} is not in the bucket '${this.bucket}': no legal hold to set`);
    await this.#send(`set the legal hold ${on ? 'on' : 'off'} for`, key, () => this.#client(key).send(new PutObjectLegalHoldCommand({
      Bucket: this.bucket, Key: key, VersionId: stored.versionId, LegalHold: { Status: on ? 'ON' : 'OFF' },
    })));
    return this.#confirmed(key, (s) => s.legalHold === on, `legal hold ${on ? 'on' : 'off'}`);
  }

  /**
   * Deletes every version of a segment's object (and any delete marker): the end of a segment
   * whose retention ran out with no legal hold. The server refuses while a lock holds.
   */
  async deleteSegment(digestHex: string): Promise<void> {
    const key = segmentKey(digestHex);
    const listed = await this.#send('list the versions of', key, () => this.#client(key).send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key })));
    const versions = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].filter((v) => v.Key === key && v.VersionId);
    for (const v of versions) await this.#send('delete', key, () => this.#client(key).send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: v.VersionId })));
  }

  /** Every stored segment's digest, in key order. */
  async listSegments(): Promise<string[]> {
    return (await this.#list(SEGMENT_PREFIX)).map((key) => key.slice(SEGMENT_PREFIX.length, -'.seg'.length));
  }

  /** The names of the log objects under `log/PREFIX`. */
  async listLogObjects(prefix: string): Promise<string[]> {
    return (await this.#list(LOG_PREFIX + prefix)).map((key) => key.slice(LOG_PREFIX.length));
  }

  close(): void {
    this.#s3.destroy();
    this.#logS3.destroy();
  }

  /**
   * One PUT, and its answer is the proof: S3 answers 200 only once the version is stored, with
   * the lock the request carried (a bucket that cannot lock was refused at open), after hashing
   * the bytes itself. No HEAD reads it back: that was a third of the object store's work for
   * each segment (bench/records-ingest.ts); `chaincam verify --records` reads every object.
   */
  async #putLocked(key: string, bytes: Uint8Array, sha256: string, retainUntil: Date): Promise<ObjectLockState> {
    if (!(retainUntil.getTime() > Date.now())) throw new Error(`the retention date for ${key} (${retainUntil.toISOString()}) has passed: nothing stored`);
    const put = new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: bytes,
      // The checksum S3 asks of a PUT with Object Lock, the digest already in hand (Content-MD5
      // would hash every byte again; RGW 16 takes this header without checking it, and checks
      // the payload hash below).
      ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
      ContentType: 'application/octet-stream',
      Metadata: { sha256 },
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: retainUntil,
    });
    // The request is signed over the SHA-256 the bytes must have (x-amz-content-sha256, SigV4's
    // payload hash), so the object store hashes what it received and refuses any other bytes
    // (XAmzContentSHA256Mismatch): the check is made where the bytes are kept, and the SDK does
    // not hash a 100-700 KB body again.
    put.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = sha256;
      return next(args);
    }, { step: 'build', name: 'chaincamPayloadSha256' });
    let answer;
    try {
      answer = await this.#send('put', key, () => this.#client(key).send(put));
    } catch (error) {
      if (error instanceof ObjectStoreError && error.code === 'XAmzContentSHA256Mismatch') {
        throw new Error(`the bytes given for ${key} do not have SHA-256 ${sha256} (the object store hashed them and refused them, XAmzContentSHA256Mismatch): nothing stored`, { cause: error });
      }
      throw error;
    }
    if (!answer.VersionId) throw new Error(`the object store stored ${key} without a version id: the bucket '${this.bucket}' does not keep versions, so Object Lock cannot hold it`);
    return { key, versionId: answer.VersionId, length: bytes.length, sha256, retainUntil, legalHold: false };
  }

  async #extend(stored: ObjectLockState, until: Date): Promise<ObjectLockState> {
    if (stored.retainUntil && until < stored.retainUntil) {
      throw new Error(`${stored.key} is retained until ${stored.retainUntil.toISOString()}: retention can only be extended, not shortened to ${until.toISOString()}`);
    }
    if (stored.retainUntil?.getTime() === until.getTime()) return stored;
    await this.#send('extend the retention of', stored.key, () => this.#client(stored.key).send(new PutObjectRetentionCommand({
      Bucket: this.bucket, Key: stored.key, VersionId: stored.versionId,
      Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until },
    })));
    return this.#confirmed(stored.key, (s) => s.retainUntil?.getTime() === until.getTime(), `retained until ${until.toISOString()}`);
  }

  #confirm(stored: ObjectLockState, length: number, sha256: string): void {
    if (stored.length !== length || stored.sha256 !== sha256) {
      throw new Error(`${stored.key} in the bucket '${this.bucket}' has ${stored.length} bytes with SHA-256 ${stored.sha256 ?? 'unrecorded'}, not ${length} bytes with ${sha256}`);
    }
  }

  async #confirmed(key: string, holds: (s: ObjectLockState) => boolean, what: string): Promise<ObjectLockState> {
    const stored = await this.#head(key);
    if (!stored || !holds(stored)) throw new Error(`the object store accepted the change to ${key} but HEAD does not show it ${what}`);
    return stored;
  }

  async #head(key: string): Promise<ObjectLockState | undefined> {
    let head: HeadObjectCommandOutput;
    try {
      head = await this.#send('read', key, () => this.#client(key).send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
    } catch (error) {
      if (isNotFound(cause(error))) return undefined;
      throw error;
    }
    return {
      key,
      versionId: head.VersionId ?? 'null',
      length: head.ContentLength ?? 0,
      sha256: head.Metadata?.sha256,
      retainUntil: head.ObjectLockMode === 'COMPLIANCE' ? head.ObjectLockRetainUntilDate : undefined,
      legalHold: head.ObjectLockLegalHoldStatus === 'ON',
    };
  }

  async #get(key: string): Promise<Uint8Array | undefined> {
    try {
      const got = await this.#send('read', key, () => this.#client(key).send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
      return await got.Body!.transformToByteArray();
    } catch (error) {
      if (isNotFound(cause(error))) return undefined;
      throw error;
    }
  }

  async #list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#send('list', prefix, () => this.#client(prefix).send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  // Every call goes through here so a refusal names what was asked, of which object, where.
  async #send<Output>(what: string, key: string, request: () => Promise<Output>): Promise<Output> {
    try {
      return await request();
    } catch (error) {
      throw new ObjectStoreError(`${what} ${key ? `${key} in ` : ''}the bucket '${this.bucket}' at ${this.#settings.endpoint}`, error);
    }
  }
}

/** A refusal or failure of the object store, with the server's code (AccessDenied, BadDigest...). */
export class ObjectStoreError extends Error {
  readonly code: string;
  readonly status?: number;
  constructor(what: string, error: unknown) {
    const s3 = error instanceof S3ServiceException ? error : undefined;
    const code = s3?.name ?? (error as NodeJS.ErrnoException)?.code ?? 'Error';
    const detail = s3 && s3.message !== 'UnknownError' ? `: ${s3.message}` : '';
    const reach = code === 'ECONNREFUSED' ? ' (is it running? npm run services starts one; else set CHAINCAM_S3_ENDPOINT)' : '';
    super(`could not ${what}: ${code}${detail}${reach}`, { cause: error });
    this.name = 'ObjectStoreError';
    this.code = code;
    this.status = s3?.$metadata.httpStatusCode;
  }
}

function cause(error: unknown): { name?: string; $metadata?: { httpStatusCode?: number } } | undefined {
  return error instanceof ObjectStoreError ? error.cause as never : error as never;
}

function isNotFound(error: { name?: string; $metadata?: { httpStatusCode?: number } } | undefined): boolean {
  return error?.$metadata?.httpStatusCode === 404 || error?.name === 'NotFound' || error?.name === 'NoSuchKey';
}
