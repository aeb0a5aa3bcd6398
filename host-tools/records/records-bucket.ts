// The records system's Object Lock bucket: object-store.ts's client, opened (and created with
// Object Lock when asked) from the settings the CLI or the environment give.
import { ObjectLockBucket, type S3Settings } from './object-store.js';
import type { RecordsObjectStore } from './records-objects.js';

export async function openRecordsBucket(s3: S3Settings, options: { create?: boolean } = {}): Promise<RecordsObjectStore> {
  return ObjectLockBucket.open(s3, { create: options.create ?? true });
}
