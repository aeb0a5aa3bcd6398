// The evidence store's database: per-camera identity, per-recording legal ground, notice and
// retention, per-segment storage, and an audit table that SQLite itself keeps append-only.
export const STORE_DB_FILE = 'evidence.sqlite';
export const OBJECTS_DIR = 'objects';
export const CAMERAS_DIR = 'cameras';
export const STAGING_DIR = 'staging';
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 180;

export const AUDIT_ACTIONS = ['store', 'release', 'verify', 'export', 'retention', 'notice'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const STORE_SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
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
  UNIQUE (device_id, recording, segment_index)
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN (${AUDIT_ACTIONS.map((a) => `'${a}'`).join(', ')})),
  device_id TEXT,
  recording INTEGER,
  detail TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
`;
