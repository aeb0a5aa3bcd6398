// Storing one segment a dock forwards (docs/RECORDS.md section 5.2): check the camera (its key
// hashes to its device id, and is the key pinned), its chain (records-chain-check.ts) and that
// the chain extends the one the records system holds, the sealed bytes against their record;
// PUT the object with its COMPLIANCE lock and read it back; then, in one PostgreSQL transaction,
// the log entries and their rows; only then the signed ack. Idempotent by digest: a retry after a
// crash finds the segment (or its object) and stores nothing twice.
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { encodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { checkCameraChain, checkForwardedSegment, type CheckedChain } from './records-chain-check.js';
import type { RecordsDb } from './records-db.js';
import { literal, type RowRef } from './records-buffered-tables.js';
import type { RecordsEntry } from './records-log-entries.js';
import { chainObjectName, signAck, type RecordsKey } from './records-log.js';
import type { RecordsObjectStore } from './records-objects.js';
import type { IngestTrace } from './records-ingest-trace.js';
import { decodeForwardedSegment } from './records-protocol.js';
import { reviewReason } from './records-replay.js';
import { DAY_MS, DEFAULT_RETENTION_DAYS } from './records-schema.js';

/** A request the records system refuses, with the HTTP status that says whether a retry can help. */
export class IngestRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** How many checked chains a server remembers (a few per docking camera at once). */
const CHECKED_CHAINS_KEPT = 1024;

export interface Ack { ack: string; signature: string }

/** A request whose dock signature verified: its dock, and its nonce, which must be new. */
export interface SignedRequest { dockId: string; nonce: string }

/** What the records system holds about a forwarded segment, its camera and its recording (one query; null where nothing is held). */
interface HeldState {
  stored_entry: number | null;
  public_key: string | null;
  chain_records: number | null;
  chain_head: string | null;
  retain_until: number | null;
  /** This segment's attempts to be put, this one included (null when none is made: stored, or refused). */
  put_attempts: number | null;
  /** The request's nonce was new (and is now recorded). */
  fresh: boolean;
}

export class RecordsIngest {
  readonly #inFlight = new Map<string, Promise<Ack>>();
  /** Chain objects written (or being written) by this server. */
  readonly #chainPuts = new Map<string, Promise<void>>();
  /** Chains checked whole, by camera key and chain digest (the oldest forgotten first). */
  readonly #checkedChains = new Map<string, CheckedChain>();

  constructor(readonly db: RecordsDb, readonly objects: RecordsObjectStore, readonly key: RecordsKey, readonly port: CryptoPort, readonly trace?: IngestTrace) {}

  /** Runs one stage of a segment's ingest, timed when tracing. */
  #stage<T>(name: string, run: () => Promise<T> | T): Promise<T> {
    return this.trace ? this.trace.time(name, run) : Promise.resolve().then(run);
  }

  /**
   * One segment from an enrolled dock: the request's signature already checked, its nonce not yet
   * (it is recorded in the same round trip as the rest: a replay is refused, 409).
   */
  storeForwarded(request: SignedRequest, body: Uint8Array): Promise<Ack> {
    let forwarded;
    try {
      forwarded = decodeForwardedSegment(body);
    } catch (error) {
      throw new IngestRefusal(400, `the forwarded segment does not decode: ${(error as Error).message}`);
    }
    const sealedDigest = this.port.sha256(forwarded.sealed);
    const digest = toHex(sealedDigest);
    // Two docks forwarding the same segment at once: the second waits for the first, then finds it stored.
    const earlier = this.#inFlight.get(digest);
    const run = (earlier ?? Promise.resolve()).catch(() => undefined).then(() => this.#store(request, sealedDigest, forwarded));
    this.#inFlight.set(digest, run);
    return run.finally(() => {
      if (this.#inFlight.get(digest) === run) this.#inFlight.delete(digest);
    });
  }

  async #store(request: SignedRequest, sealedDigest: Uint8Array, f: ReturnType<typeof decodeForwardedSegment>): Promise<Ack> {
    const { dockId, nonce } = request;
    const digest = toHex(sealedDigest);
    const deviceIdBytes = deriveDeviceId(this.port, f.cameraPublicKey);
    const deviceId = toHex(deviceIdBytes);
    // The camera's evidence first (CPU only), then what the records system holds, in ONE query: a
    // round trip per question made 200 forwards at once queue for the pool's connections.
    let checkedChain: (CheckedChain & { digest: Uint8Array }) | undefined;
    let checkedRecord: SegmentRecord | undefined;
    let refusal: IngestRefusal | undefined;
    try {
      checkedChain = await this.#stage('chain check', () => this.#checkedChain(deviceIdBytes, f.cameraPublicKey, f.chain));
      const records = checkedChain.records;
      checkedRecord = await this.#stage('segment check (SHA-256)', () => checkForwardedSegment(this.port, deviceIdBytes, records[f.recordSequence], f.recordSequence, f.sealed, sealedDigest));
    } catch (error) {
      refusal = new IngestRefusal(422, `camera ${deviceId}: ${(error as Error).message}; nothing was stored`);
    }
    // The same round trip records the request's nonce and marks the PUT about to begin
    // (segment_puts) for a segment that is not stored, whose checks passed and whose camera is
    // not pinned with another key: one round trip a segment before its PUT, not three.
    const now = this.db.now();
    const held = (await this.#stage('what is held', () => this.db.one<HeldState>(
      `WITH fresh AS (
         INSERT INTO ingest_nonces (dock_id, nonce, seen_at) VALUES ($7, $8, $4) ON CONFLICT DO NOTHING RETURNING 1),
       attempt AS (
         INSERT INTO segment_puts (sealed_digest, attempts, first_at)
           SELECT $1, 1, $4 WHERE $5::boolean AND EXISTS (SELECT 1 FROM fresh)
             AND NOT EXISTS (SELECT 1 FROM segments WHERE sealed_digest = $1)
             AND NOT EXISTS (SELECT 1 FROM cameras WHERE device_id = $2 AND public_key <> $6)
         ON CONFLICT (sealed_digest) DO UPDATE SET attempts = segment_puts.attempts + 1
         RETURNING attempts)
       SELECT EXISTS (SELECT 1 FROM fresh) AS fresh,
              (SELECT stored_entry FROM segments WHERE sealed_digest = $1) AS stored_entry,
              (SELECT public_key FROM cameras WHERE device_id = $2) AS public_key,
              c.records AS chain_records, c.head_link AS chain_head,
              (SELECT retain_until FROM recordings WHERE device_id = $2 AND recording = $3) AS retain_until,
              (SELECT attempts FROM attempt) AS put_attempts
       FROM (SELECT 1) AS one LEFT JOIN chains c ON c.device_id = $2`,
      [digest, deviceId, checkedRecord?.recording ?? -1, now, refusal === undefined, toHex(f.cameraPublicKey), dockId, nonce],
    )))!;
    if (!held.fresh) throw new IngestRefusal(409, `a replayed request (dock ${dockId} nonce ${nonce} was used before)`);
    // A segment already stored is acked again, whatever came with it (idempotent by digest),
    // once a checkpoint covering it is in the bucket (a server killed after its COMMIT wrote none).
    if (held.stored_entry !== null) {
      // The server that committed it may have died before it locked the object to a retention or
      // hold the recording gained meanwhile: a retry finishes that before the camera may let go.
      await this.#stage('lock the stored object (a retry)', () => this.#lockAsRecorded(digest));
      await this.#stage('checkpoint to the bucket (a retry)', () => this.db.published(held.stored_entry!)).catch((error: Error) => {
        throw new IngestRefusal(503, `segment ${digest} is stored (records log entry #${held.stored_entry}) but no checkpoint covering it could be written to the bucket: ${error.message}; forward it again`);
      });
      return signAck(this.port, this.key, dockId, digest, held.stored_entry);
    }
    if (held.public_key !== null && held.public_key !== toHex(f.cameraPublicKey)) throw new IngestRefusal(409, `camera ${deviceId} is pinned with another key`);
    if (refusal || !checkedChain || !checkedRecord) throw refusal!;
    const chain = checkedChain;
    const record = checkedRecord;
    checkExtends(deviceId, chain.links, held.chain_records === null ? undefined : { records: held.chain_records, head_link: held.chain_head! });

    const time = now;
    const lockUntil = Math.max(time + DEFAULT_RETENTION_DAYS * DAY_MS, held.retain_until ?? 0);
    await this.#stage('PUT segment', () => this.#putLocked(digest, f.sealed, lockUntil, held.put_attempts === 1));

    const chainDigest = chain.digest;
    const heldChain = held.chain_records === null ? undefined : { records: held.chain_records };
    if (!heldChain || chain.records.length > heldChain.records) {
      // The chain, kept beside the segments before the log commits it, so verify --records can check it again.
      const name = chainObjectName(deviceId, chain.records.length);
      await this.#stage('PUT chain', () => this.#putChainOnce(name, f.chain, lockUntil));
    }
    // What the log holds now, read under its lock with the rest of the batch's rows in one round trip (and kept for the entries' replay).
    const rows: RowRef[] = [['segments', [digest]], ['cameras', [deviceId]], ['stations', [dockId]], ['chains', [deviceId]], ['recordings', [deviceId, record.recording]]];
    // The recording as the commit found it, under the log lock: a retention or hold set while this
    // segment was on its way applies to it too (a later one finds this segment in the table).
    let found: { retainUntil: number; legalHold: boolean; entryOffset: number } | undefined;
    const committed = await this.#stage('commit and checkpoint', () => this.db.commit(async (t) => {
      await t.prefetch(rows);
      t.write(`DELETE FROM segment_puts WHERE sealed_digest = ${literal(digest)}`);
      found = undefined;
      if (await t.get('segments', [digest])) return [];
      const held = await t.get('chains', [deviceId]);
      checkExtends(deviceId, chain.links, held && { records: held.records as number, head_link: held.head_link as string });
      const entries: RecordsEntry[] = [];
      if (!await t.get('cameras', [deviceId])) entries.push({ type: 'camera-pinned', time, deviceId: deviceIdBytes, publicKey: f.cameraPublicKey, label: f.label });
      const recording = await t.get('recordings', [deviceId, record.recording]);
      // segment-stored leaves a recording's retention and hold as they are, and starts a new one at the default (records-replay.ts).
      found = { retainUntil: (recording?.retain_until as number | undefined) ?? time + DEFAULT_RETENTION_DAYS * DAY_MS, legalHold: recording?.legal_hold === true, entryOffset: entries.length };
      entries.push({ type: 'segment-stored', time, dockId: Buffer.from(dockId, 'hex'), deviceId: deviceIdBytes, recordBody: encodeRecord(record) });
      if (!held || chain.records.length > (held.records as number)) {
        entries.push({ type: 'chain-committed', time, deviceId: deviceIdBytes, chainLength: f.chain.length, records: chain.records.length, headLink: chain.headLink, chainDigest });
      }
      const why = reviewReason({ legal_ground: record.legalGround, notice_reason: record.noticeReason !== 0 ? record.noticeReason : (recording?.notice_reason as number | undefined) ?? 0 });
      if (why && !recording?.review) entries.push({ type: 'flagged-for-review', time, deviceId: deviceIdBytes, recording: record.recording, why });
      return entries;
    }, rows));
    // Stored meanwhile by another request (its entries, not these, are in the log): read what it stored.
    const after = committed && found
      ? { retain_until: found.retainUntil, legal_hold: found.legalHold, stored_entry: committed.first + found.entryOffset }
      : await this.#storedAs(digest);
    if (after.retain_until > lockUntil) await this.objects.extendRetention(digest, new Date(after.retain_until));
    if (after.legal_hold) await this.objects.setLegalHold(digest, true);
    await this.db.published(after.stored_entry); // at once when this commit wrote it; else (another writer stored it) once written
    return this.#stage('ack signature', () => signAck(this.port, this.key, dockId, digest, after.stored_entry));
  }

  /** A stored segment's log entry, and its recording's retention and hold as the log has them now. */
  async #storedAs(digest: string): Promise<{ retain_until: number; legal_hold: boolean; stored_entry: number }> {
    return (await this.db.one<{ retain_until: number; legal_hold: boolean; stored_entry: number }>(
      'SELECT r.retain_until, r.legal_hold, s.stored_entry FROM segments s JOIN recordings r ON r.device_id = s.device_id AND r.recording = s.recording WHERE s.sealed_digest = $1',
      [digest],
    ))!;
  }

  /** A stored segment's object locked at least to its recording's retention, and held if it is. */
  async #lockAsRecorded(digest: string): Promise<void> {
    const recording = await this.#storedAs(digest);
    const object = await this.objects.headSegment(digest);
    if (!object?.retainUntil || object.retainUntil.getTime() < recording.retain_until) await this.objects.extendRetention(digest, new Date(recording.retain_until));
    if (recording.legal_hold && !object?.legalHold) await this.objects.setLegalHold(digest, true);
  }

  /**
   * The camera's chain checked from its genesis (records-chain-check.ts). Every segment of a
   * docking comes with the same chain, so a chain already checked whole (the same bytes, the
   * same key) is not checked again: re-checking it for each segment made a camera's ingest
   * quadratic in its chain's length.
   */
  #checkedChain(deviceId: Uint8Array, publicKey: Uint8Array, bytes: Uint8Array): CheckedChain & { digest: Uint8Array } {
    const digest = this.port.sha256(bytes);
    const id = `${toHex(publicKey)}:${toHex(digest)}`;
    let checked = this.#checkedChains.get(id);
    if (!checked) {
      checked = checkCameraChain(this.port, deviceId, publicKey, bytes);
      if (this.#checkedChains.size >= CHECKED_CHAINS_KEPT) this.#checkedChains.delete(this.#checkedChains.keys().next().value!);
      this.#checkedChains.set(id, checked);
    }
    return { ...checked, digest };
  }

  /** One PUT per chain object, however many of its segments arrive at once (a second PUT would be a second version). */
  async #putChainOnce(name: string, chain: Uint8Array, lockUntil: number): Promise<void> {
    let put = this.#chainPuts.get(name);
    if (!put) {
      put = this.objects.putLogObject(name, chain, new Date(lockUntil)).then(() => undefined);
      this.#chainPuts.set(name, put);
      put.catch(() => this.#chainPuts.delete(name));
    }
    try {
      await put;
    } catch (error) {
      throw new IngestRefusal(503, `the object store did not take the chain ${name}: ${(error as Error).message}; nothing was stored, forward it again`);
    }
  }

  /** PUT with a COMPLIANCE lock (after an earlier attempt, the bucket finds a segment already there, and extends its lock if need be). */
  async #putLocked(digest: string, sealed: Uint8Array, lockUntil: number, firstAttempt: boolean): Promise<void> {
    try {
      await this.objects.putSegment(digest, sealed, new Date(lockUntil), { firstAttempt });
    } catch (error) {
      throw new IngestRefusal(503, `the object store did not take segment ${digest}: ${(error as Error).message}; nothing was stored, forward it again`);
    }
  }
}

/** The forwarded chain must extend the chain held for the camera: the same link after as many records. */
function checkExtends(deviceId: string, links: Uint8Array[], held: { records: number; head_link: string } | undefined): void {
  if (!held) return;
  if (links.length < held.records) {
    throw new IngestRefusal(409, `camera ${deviceId}: the records system holds its chain to ${held.records} records and this one has ${links.length}; forward with the camera's newest chain`);
  }
  if (!bytesEqual(links[held.records - 1]!, Buffer.from(held.head_link, 'hex'))) {
    throw new IngestRefusal(409, `camera ${deviceId}: this chain does not extend the chain the records system holds (record ${held.records - 1} differs): a rollback or fork; nothing was stored`);
  }
}
