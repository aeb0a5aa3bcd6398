// The records system's PostgreSQL tables (docs/RECORDS.md section 2). Every evidence table is a
// replay of the records log (records-replay.ts), so `chaincam verify --records` can rebuild them
// from the log and compare row by row. records_log itself refuses UPDATE and DELETE (a trigger:
// defence in depth; what detects a rewritten log is the Merkle tree and the checkpoints kept in
// the Object Lock bucket). records_checkpoints, ingest_nonces and segment_puts are operational,
// not evidence.
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 180;
export const DAY_MS = 86_400_000;

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface TableShape { name: string; key: readonly string[]; columns: readonly string[] }

/** The tables verify compares with the log's replay: their key and every column, in order. */
export const RECORDS_TABLES: readonly TableShape[] = [
  { name: 'records_state', key: ['id'], columns: ['id', 'records_public_key', 'entries'] },
  { name: 'stations', key: ['dock_id'], columns: ['dock_id', 'dock_public_key', 'station', 'enrolled_at', 'enrolled_by'] },
  { name: 'cameras', key: ['device_id'], columns: ['device_id', 'public_key', 'label', 'first_seen'] },
  {
    name: 'recordings', key: ['device_id', 'recording'], columns: ['device_id', 'recording', 'station', 'legal_ground', 'notice_indicators',
      'notice_reason', 'notice_text', 'start_time', 'end_time', 'first_stored_at', 'retain_until', 'legal_hold', 'review', 'review_why'],
  },
  {
    name: 'segments', key: ['sealed_digest'], columns: ['sealed_digest', 'device_id', 'recording', 'segment_index', 'record_sequence',
      'sealed_length', 'dock_id', 'stored_entry', 'stored_at', 'ended_at', 'end_rule'],
  },
  { name: 'chains', key: ['device_id'], columns: ['device_id', 'chain_length', 'records', 'head_link', 'chain_digest', 'committed_at'] },
  { name: 'people', key: ['name'], columns: ['name', 'role', 'added_at', 'added_by'] },
  { name: 'access', key: ['log_entry'], columns: ['log_entry', 'person', 'action', 'target', 'reason', 'at'] },
];

export const tableShape = (name: string): TableShape => {
  const shape = RECORDS_TABLES.find((t) => t.name === name);
  if (!shape) throw new Error(`no records table ${name}`);
  return shape;
};

export const RECORDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS records_state (
  id integer PRIMARY KEY CHECK (id = 1),
  records_public_key text NOT NULL,
  entries bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS stations (
  dock_id text PRIMARY KEY,
  dock_public_key text NOT NULL UNIQUE,
  station text NOT NULL,
  enrolled_at bigint NOT NULL,
  enrolled_by text NOT NULL
);
CREATE TABLE IF NOT EXISTS cameras (
  device_id text PRIMARY KEY,
  public_key text NOT NULL,
  label text NOT NULL,
  first_seen bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS recordings (
  device_id text NOT NULL REFERENCES cameras(device_id),
  recording bigint NOT NULL,
  station text NOT NULL REFERENCES stations(dock_id),
  legal_ground integer NOT NULL,
  notice_indicators integer NOT NULL,
  notice_reason integer NOT NULL,
  notice_text text NOT NULL,
  start_time bigint NOT NULL,
  end_time bigint NOT NULL,
  first_stored_at bigint NOT NULL,
  retain_until bigint NOT NULL,
  legal_hold boolean NOT NULL,
  review boolean NOT NULL,
  review_why text,
  PRIMARY KEY (device_id, recording)
);
CREATE INDEX IF NOT EXISTS recordings_by_start ON recordings (start_time);
CREATE INDEX IF NOT EXISTS recordings_by_station ON recordings (station, start_time);
CREATE INDEX IF NOT EXISTS recordings_by_retention ON recordings (retain_until) WHERE NOT legal_hold;
-- A station's recordings flagged for review (the records manager's queue): a few in a hundred, read
-- without reading the station's whole year (8,000 recordings at fleet scale: bench/records-scale.ts).
CREATE INDEX IF NOT EXISTS recordings_for_review ON recordings (station, start_time) WHERE review;
CREATE TABLE IF NOT EXISTS segments (
  sealed_digest text PRIMARY KEY,
  device_id text NOT NULL REFERENCES cameras(device_id),
  recording bigint NOT NULL,
  segment_index bigint NOT NULL,
  record_sequence bigint NOT NULL,
  sealed_length bigint NOT NULL,
  dock_id text NOT NULL REFERENCES stations(dock_id),
  stored_entry bigint NOT NULL,
  stored_at bigint NOT NULL,
  ended_at bigint,
  end_rule text
);
CREATE INDEX IF NOT EXISTS segments_by_recording ON segments (device_id, recording, segment_index);
-- The segments still held, by recording: an expiry pass reads these (about the retention window's),
-- not every recording whose retention ever ran out (a year's, then every year's since).
CREATE INDEX IF NOT EXISTS segments_held ON segments (device_id, recording) WHERE ended_at IS NULL;
CREATE TABLE IF NOT EXISTS chains (
  device_id text PRIMARY KEY REFERENCES cameras(device_id),
  chain_length bigint NOT NULL,
  records bigint NOT NULL,
  head_link text NOT NULL,
  chain_digest text NOT NULL,
  committed_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS people (
  name text PRIMARY KEY,
  role text NOT NULL,
  added_at bigint NOT NULL,
  added_by text NOT NULL
);
CREATE TABLE IF NOT EXISTS access (
  log_entry bigint PRIMARY KEY,
  person text NOT NULL REFERENCES people(name),
  action text NOT NULL,
  target text NOT NULL,
  reason text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS access_by_target ON access (target, log_entry);
CREATE TABLE IF NOT EXISTS records_log (
  seq bigint PRIMARY KEY,
  entry bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS records_checkpoints (
  size bigint PRIMARY KEY,
  checkpoint text NOT NULL
);
-- The Merkle tree's right edge at each checkpoint (records-db.ts): a writer goes on from it
-- instead of reading the whole log, once it reproduces the root the checkpoint signs.
ALTER TABLE records_checkpoints ADD COLUMN IF NOT EXISTS edge bytea;
-- Unlogged: a replay guard for the last minutes, not evidence; no WAL fsync per request.
CREATE UNLOGGED TABLE IF NOT EXISTS ingest_nonces (
  dock_id text NOT NULL,
  nonce text NOT NULL,
  seen_at bigint NOT NULL,
  PRIMARY KEY (dock_id, nonce)
);
-- Segments whose object PUT has begun and not committed yet (the commit deletes the row). A second
-- attempt finds its row and looks in the bucket before putting: an earlier one may have stored
-- the object and died before its commit, and a second PUT would be a second locked version. A
-- first attempt, nearly every one, skips that look. Logged: it must outlive a PostgreSQL crash.
CREATE TABLE IF NOT EXISTS segment_puts (
  sealed_digest text PRIMARY KEY,
  attempts integer NOT NULL,
  first_at bigint NOT NULL
);
CREATE OR REPLACE FUNCTION records_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'records_log is append-only: % refused (docs/RECORDS.md section 3)', TG_OP;
END $$;
DROP TRIGGER IF EXISTS records_log_append_only ON records_log;
CREATE TRIGGER records_log_append_only BEFORE UPDATE OR DELETE ON records_log
  FOR EACH ROW EXECUTE FUNCTION records_log_append_only();
DROP TRIGGER IF EXISTS records_log_no_truncate ON records_log;
CREATE TRIGGER records_log_no_truncate BEFORE TRUNCATE ON records_log
  FOR EACH STATEMENT EXECUTE FUNCTION records_log_append_only();
`;
