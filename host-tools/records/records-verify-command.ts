// `chaincam verify --records`: opens the records database without the records key (so it cannot
// append) and the bucket, runs records-verify.ts and prints what it found. Read-only.
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { openRecordsBucket } from './records-bucket.js';
import { RecordsDb } from './records-db.js';
import { readRecordsPublicKey } from './records-key.js';
import { recordsSettings, type ConnectionOptions } from './records-settings.js';
import { verifyRecords, type RecordsVerifyReport } from './records-verify.js';

export async function runRecordsVerify(o: ConnectionOptions, recordsKeyFile?: string): Promise<RecordsVerifyReport> {
  const recordsPublicKey = recordsKeyFile === undefined ? undefined : readRecordsPublicKey(recordsKeyFile);
  const settings = recordsSettings(o);
  const port = new NodeCryptoPort();
  const objects = await openRecordsBucket(settings.s3, { create: false });
  const db = await RecordsDb.open(settings.dbUrl, { port, readOnly: true });
  try {
    return await verifyRecords(db, objects, port, { recordsPublicKey });
  } finally {
    await db.close();
  }
}

export function formatRecordsReport(r: RecordsVerifyReport): string {
  const lines = [
    `records system: ${r.entries} log entries, ${r.segments} segments held, ${r.bytesHashed} bytes hashed`,
    ...r.notes.map((n) => `note: ${n}`),
    ...r.failures.map((f) => `FAIL: ${f}`),
    r.ok ? 'OK: the records system verifies' : `FAILED: ${r.failures.length} fault(s)`,
  ];
  return `${lines.join('\n')}\n`;
}
