// `chaincam verify --records`: checks the records system without changing it (docs/RECORDS.md
// section 6). It replays the signed log into memory and compares every table; checks the newest
// checkpoint in PostgreSQL and every checkpoint in the Object Lock bucket against the log (a log
// rolled back or edited by whoever runs the database disagrees with what the bucket kept); checks
// every segment object (present, its SHA-256 and length, locked at least as long as its
// recording's retention, held when the recording is); and each camera's chain as committed. A
// segment may be missing only when a segment-ended entry names the rule that ended it.
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { checkCameraChain } from './records-chain-check.js';
import type { RecordsDb } from './records-db.js';
import { decodeRecordsEntry } from './records-log-entries.js';
import { CHECKPOINT_PREFIX, MerklePeaks, chainObjectName, openRecordsCheckpoint, parseCheckpointObjectName } from './records-log.js';
import type { RecordsObjectStore } from './records-objects.js';
import { MemoryTables, applyRecordsEntry } from './records-replay.js';
import { RECORDS_TABLES, type Row } from './records-schema.js';

export interface RecordsVerifyReport {
  ok: boolean;
  entries: number;
  segments: number;
  bytesHashed: number;
  failures: string[];
  notes: string[];
}

export async function verifyRecords(db: RecordsDb, objects: RecordsObjectStore, port: CryptoPort, options: { recordsPublicKey?: Uint8Array } = {}): Promise<RecordsVerifyReport> {
  const report: RecordsVerifyReport = { ok: false, entries: 0, segments: 0, bytesHashed: 0, failures: [], notes: [] };
  const fail = (message: string) => report.failures.push(message);

  // 1-2. The log, its tree, and its replay.
  const tables = new MemoryTables();
  const peaks = new MerklePeaks(port);
  const rootAt = new Map<number, Uint8Array>();
  const bucketCheckpoints = (await objects.listLogObjects(CHECKPOINT_PREFIX)).map((name) => ({ name, size: parseCheckpointObjectName(name) }));
  for (const c of bucketCheckpoints) if (c.size === undefined) fail(`the bucket holds log/${c.name}, which is not a checkpoint name (log/checkpoint-<size>)`);
  const dbCheckpoint = await db.one<{ size: number; checkpoint: string }>('SELECT size, checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1');
  const wanted = new Set([...bucketCheckpoints.map((c) => c.size ?? -1), dbCheckpoint?.size ?? -1]);
  let recordsKey = options.recordsPublicKey;
  let replaying = true;
  for await (const { seq, bytes } of db.logEntries()) {
    if (seq !== peaks.size) {
      fail(`records_log has entry #${seq} where #${peaks.size} belongs: entries were deleted`);
      replaying = false;
    }
    peaks.appendEntry(bytes);
    if (wanted.has(peaks.size)) rootAt.set(peaks.size, peaks.root);
    if (!replaying) continue;
    try {
      const entry = decodeRecordsEntry(bytes);
      if (seq === 0 && entry.type === 'records-opened') {
        if (recordsKey && !bytesEqual(recordsKey, entry.recordsPublicKey)) throw new Error('opens the log with another records key than --records-key pins');
        recordsKey ??= entry.recordsPublicKey;
      }
      await applyRecordsEntry(tables, port, entry, seq);
    } catch (error) {
      fail(`records log entry #${seq} does not replay: ${(error as Error).message}`);
      replaying = false;
    }
  }
  report.entries = peaks.size;
  if (!recordsKey) {
    fail('the records log is empty: no records key, nothing to verify');
    return report;
  }
  if (!options.recordsPublicKey) report.notes.push('records key taken from log entry #0; pass --records-key RECORDS.pub to pin it');

  // 3. Checkpoints: PostgreSQL's newest, and every one the bucket kept.
  const checkCheckpoint = (where: string, text: string, expectedSize?: number) => {
    let checkpoint;
    try {
      checkpoint = openRecordsCheckpoint(port, text, recordsKey);
    } catch (error) {
      fail(`${where}: ${(error as Error).message}`);
      return;
    }
    if (expectedSize !== undefined && checkpoint.size !== expectedSize) fail(`${where} says ${checkpoint.size} entries, its name ${expectedSize}`);
    if (checkpoint.size > peaks.size) {
      fail(`${where} signed ${checkpoint.size} entries but records_log holds ${peaks.size}: the log was rolled back`);
      return;
    }
    const root = checkpoint.size === peaks.size ? peaks.root : rootAt.get(checkpoint.size);
    if (!root || !bytesEqual(root, checkpoint.root)) fail(`${where}: the first ${checkpoint.size} entries of records_log are not the ones it signed: the log was edited or rolled back and rewritten`);
  };
  if (!dbCheckpoint) fail('records_checkpoints holds no checkpoint');
  else {
    checkCheckpoint(`the checkpoint in records_checkpoints (${dbCheckpoint.size} entries)`, dbCheckpoint.checkpoint);
    if (dbCheckpoint.size !== peaks.size) fail(`the newest checkpoint covers ${dbCheckpoint.size} entries, records_log holds ${peaks.size}`);
  }
  const bucketSizes = bucketCheckpoints.flatMap((c) => (c.size === undefined ? [] : [c.size]));
  for (const c of bucketCheckpoints) {
    if (c.size === undefined) continue;
    const bytes = await objects.getLogObject(c.name);
    if (bytes) checkCheckpoint(`bucket object log/${c.name}`, new TextDecoder().decode(bytes), c.size);
  }
  if (!bucketSizes.length) fail('the bucket holds no checkpoint of the records log');
  else report.notes.push(`the bucket holds ${bucketSizes.length} checkpoint(s), the newest over ${Math.max(...bucketSizes)} entries`);

  // 4. Every table equals the replay.
  if (replaying) {
    for (const shape of RECORDS_TABLES) {
      const replayed = tables.rows.get(shape.name) ?? new Map<string, Row>();
      const held = new Map((await db.tableRows(shape.name)).map((row) => [shape.key.map((k) => row[k]).join('/'), row]));
      for (const [key, row] of replayed) {
        const actual = held.get(key);
        if (!actual) fail(`table ${shape.name}: row ${key} is missing (the log holds it)`);
        else for (const column of shape.columns) if (actual[column] !== row[column]) fail(`table ${shape.name}: row ${key} column ${column} is ${JSON.stringify(actual[column])}, the log says ${JSON.stringify(row[column])}`);
      }
      for (const key of held.keys()) if (!replayed.has(key)) fail(`table ${shape.name}: row ${key} is not in the log (added behind the log's back)`);
    }
  }

  // 5. Objects: the log's segments, and nothing else.
  const segments = [...(tables.rows.get('segments')?.values() ?? [])];
  const recordings = tables.rows.get('recordings') ?? new Map<string, Row>();
  const known = new Set(segments.map((s) => s.sealed_digest as string));
  for (const digest of await objects.listSegments()) if (!known.has(digest)) fail(`the bucket holds segments/${digest}.seg, which no segment-stored entry stored`);
  for (const s of segments) {
    const digest = s.sealed_digest as string;
    const recording = recordings.get(`${s.device_id}/${s.recording}`)!;
    const head = await objects.headSegment(digest);
    if (s.ended_at !== null) {
      if (head) report.notes.push(`segment ${digest} was ended (log) but its object is still there: the next expire deletes it`);
      continue;
    }
    report.segments++;
    const name = `segment ${digest} (recording ${s.recording} segment ${s.segment_index} of camera ${s.device_id})`;
    if (!head) {
      fail(`${name}: its object is missing and no segment-ended entry ended it: the footage was deleted`);
      continue;
    }
    if (head.length !== s.sealed_length) fail(`${name}: its object is ${head.length} bytes, the log says ${s.sealed_length}`);
    if (!head.retainUntil || head.retainUntil.getTime() < (recording.retain_until as number)) {
      fail(`${name}: its object is locked until ${head.retainUntil?.toISOString() ?? 'never'}, less than its recording's retention (${new Date(recording.retain_until as number).toISOString()})`);
    }
    if (recording.legal_hold && !head.legalHold) fail(`${name}: its recording is under legal hold but its object is not`);
    const bytes = await objects.getSegment(digest);
    report.bytesHashed += bytes.length;
    if (toHex(port.sha256(bytes)) !== digest) fail(`${name}: its object's SHA-256 is ${toHex(port.sha256(bytes))}: the footage was altered`);
  }

  // 6. Each camera's chain as committed verifies, and names its stored segments.
  for (const chain of tables.rows.get('chains')?.values() ?? []) {
    const deviceId = chain.device_id as string;
    const camera = tables.rows.get('cameras')!.get(deviceId)!;
    const objectName = chainObjectName(deviceId, chain.records as number);
    const bytes = await objects.getLogObject(objectName);
    if (!bytes) {
      fail(`camera ${deviceId}: its committed chain (${chain.records} records) is not in the bucket as log/${objectName}`);
      continue;
    }
    if (toHex(port.sha256(bytes)) !== chain.chain_digest) {
      fail(`camera ${deviceId}: ${objectName} is not the chain the log committed (SHA-256 differs)`);
      continue;
    }
    try {
      const checked = checkCameraChain(port, Buffer.from(deviceId, 'hex'), Buffer.from(camera.public_key as string, 'hex'), bytes);
      if (toHex(checked.headLink) !== chain.head_link) throw new Error('its head link is not the committed one');
      for (const s of segments.filter((x) => x.device_id === deviceId && (x.record_sequence as number) < checked.records.length)) {
        const record = checked.records[s.record_sequence as number]!;
        if (record.kind !== 'segment' || toHex(record.sealedDigest) !== s.sealed_digest) throw new Error(`record #${s.record_sequence} is not stored segment ${s.sealed_digest}`);
      }
    } catch (error) {
      fail(`camera ${deviceId}: its chain does not verify: ${(error as Error).message}`);
    }
  }
  report.ok = report.failures.length === 0;
  return report;
}
