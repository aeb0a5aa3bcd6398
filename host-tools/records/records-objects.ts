// What the records system needs from its S3 Object Lock bucket (docs/RECORDS.md section 4).
// host-tools/records/object-store.ts (the AWS SDK client on a real Ceph RADOS Gateway) provides it.
export interface SegmentObjectHead {
  length: number;
  /** The COMPLIANCE retention date, when the object has one. */
  retainUntil?: Date;
  legalHold: boolean;
}

export interface RecordsObjectStore {
  /**
   * Puts segments/<digest>.seg with its checksum and a COMPLIANCE lock, returning once the object
   * store has it. Idempotent by digest, unless `firstAttempt` says no earlier attempt can have put it.
   */
  putSegment(digestHex: string, bytes: Uint8Array, retainUntil: Date, options?: { firstAttempt?: boolean }): Promise<unknown>;
  headSegment(digestHex: string): Promise<SegmentObjectHead | undefined>;
  getSegment(digestHex: string): Promise<Uint8Array>;
  extendRetention(digestHex: string, until: Date): Promise<unknown>;
  setLegalHold(digestHex: string, on: boolean): Promise<unknown>;
  /** Deletes the segment's object versions (possible only once its lock ran out and no hold is on). */
  deleteSegment(digestHex: string): Promise<unknown>;
  listSegments(): Promise<string[]>;
  /** Log objects are kept under log/NAME. */
  putLogObject(name: string, bytes: Uint8Array, retainUntil: Date): Promise<unknown>;
  getLogObject(name: string): Promise<Uint8Array | undefined>;
  listLogObjects(prefix: string): Promise<string[]>;
  close?(): void;
}
