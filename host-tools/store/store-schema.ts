// The evidence store's database (docs/STORE.md section 2): per-camera identity, per-recording
// legal ground, notice and retention, per-segment storage, receipts whole, chain generations
// and alarms. Every row is a replay of the signed log (store-replay.ts), so verify can rebuild
// the tables from the log and compare them with these, row by row.
export const STORE_DB_FILE = 'evidence.sqlite';
export const OBJECTS_DIR = 'objects';
export const CAMERAS_DIR = 'cameras';
export const STAGING_DIR = 'staging';
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 180;

/** The tables verify compares with the log's replay, each with the columns that order its rows. */
export const EVIDENCE_TABLES: readonly { name: string; orderBy: string }[] = [
  { name: 'store_log', orderBy: 'id' },
  { name: 'cameras', orderBy: 'device_id' },
  { name: 'recordings', orderBy: 'device_id, recording' },
  { name: 'segments', orderBy: 'sealed_digest' },
  { name: 'receipts', orderBy: 'receipt_digest' },
  { name: 'chains', orderBy: 'device_id, generation' },
  { name: 'alarms', orderBy: 'log_entry' },
];

// A rollback journal, not WAL: a WAL database opened read-only creates its -wal and -shm
// files, and verify must leave the store byte for byte as it found it.
export const STORE_PRAGMAS = `
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = FULL;
`;

export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS store_log (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  dock_public_key TEXT NOT NULL,
  entries INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cameras (
  device_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  label TEXT NOT NULL,
  officer TEXT,
  first_seen INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recordings (
  device_id TEXT NOT NULL REFERENCES cameras(device_id),
  recording INTEGER NOT NULL,
  officer TEXT,
  legal_ground INTEGER NOT NULL,
  notice_indicators INTEGER NOT NULL,
  notice_reason INTEGER NOT NULL,
  notice_text TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  first_stored_at INTEGER NOT NULL,
  retain_until INTEGER NOT NULL,
  PRIMARY KEY (device_id, recording)
);
CREATE TABLE IF NOT EXISTS segments (
  sealed_digest TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES cameras(device_id),
  recording INTEGER NOT NULL,
  segment_index INTEGER NOT NULL,
  record_sequence INTEGER NOT NULL,
  sealed_length INTEGER NOT NULL,
  legal_ground INTEGER NOT NULL,
  notice_indicators INTEGER NOT NULL,
  notice_reason INTEGER NOT NULL,
  notice_text TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  released_at INTEGER,
  receipt_digest TEXT,
  ended_at INTEGER,
  end_rule TEXT,
  UNIQUE (device_id, recording, segment_index)
);
CREATE TABLE IF NOT EXISTS receipts (
  receipt_digest TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  segment_sequence INTEGER NOT NULL,
  sealed_digest TEXT NOT NULL,
  fields TEXT NOT NULL,
  dock_signature TEXT NOT NULL,
  issued_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chains (
  device_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  chain_length INTEGER NOT NULL,
  records INTEGER NOT NULL,
  head_link TEXT NOT NULL,
  chain_digest TEXT NOT NULL,
  committed_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, generation)
);
CREATE TABLE IF NOT EXISTS alarms (
  log_entry INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  held_records INTEGER NOT NULL,
  offered_records INTEGER NOT NULL,
  divergence INTEGER NOT NULL,
  text TEXT NOT NULL
);
`;
