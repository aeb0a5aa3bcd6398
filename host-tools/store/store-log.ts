// The evidence store's signed log (docs/STORE.md section 3): an append-only file of entries,
// a Merkle tree over them hashed as RFC 6962 does (leaf 00, node 01), and a checkpoint in the
// style of C2SP tlog-checkpoint (origin, size, root; a signed-note signature line) signed with
// the dock's P-256 key. Everything the database holds is a replay of these entries.
import fs from 'node:fs';
import path from 'node:path';
import { ByteWriter, bytesEqual, concatBytes, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { fsyncDirectory, writeFileDurably } from './durable-files.js';

export const LOG_DIR = 'log';
export const LOG_ENTRIES_FILE = 'entries';
export const LOG_CHECKPOINT_FILE = 'checkpoint';
/** No entry comes near this; a larger length is a damaged or hostile file. */
export const MAX_ENTRY_LENGTH = 65_536 + 256;
/** signed-note signature type byte for these checkpoints (ECDSA P-256 SHA-256, r || s). */
export const CHECKPOINT_SIGNATURE_TYPE = 0x02;

export const leafHash = (port: CryptoPort, entry: Uint8Array) => port.sha256(concatBytes(Uint8Array.of(0), entry));
export const nodeHash = (port: CryptoPort, left: Uint8Array, right: Uint8Array) => port.sha256(concatBytes(Uint8Array.of(1), left, right));

/** RFC 6962 section 2.1 Merkle Tree Hash over the leaf hashes (the empty tree is SHA-256 of nothing). */
export function treeHash(port: CryptoPort, leaves: readonly Uint8Array[], from = 0, to = leaves.length): Uint8Array {
  const n = to - from;
  if (n === 0) return port.sha256(new Uint8Array(0));
  if (n === 1) return leaves[from]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(port, treeHash(port, leaves, from, from + k), treeHash(port, leaves, from + k, to));
}

export function logOrigin(port: CryptoPort, dockPublicKey: Uint8Array): string {
  return `chaincam.store/${toHex(deriveDockId(port, dockPublicKey))}`;
}

/** The 4-byte key id of the signed-note signature line: SHA-256(name || 0A || type || public key)[0..4]. */
export function checkpointKeyId(port: CryptoPort, origin: string, dockPublicKey: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(new TextEncoder().encode(`${origin}\n`), Uint8Array.of(CHECKPOINT_SIGNATURE_TYPE), dockPublicKey)).slice(0, 4);
}

export function checkpointBody(origin: string, size: number, root: Uint8Array): string {
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

export function signCheckpoint(port: CryptoPort, dockKey: { publicKey: Uint8Array; privateKey: Uint8Array }, size: number, root: Uint8Array): string {
  const origin = logOrigin(port, dockKey.publicKey);
  const body = checkpointBody(origin, size, root);
  const signature = port.p256Sign(dockKey.privateKey, new TextEncoder().encode(body));
  const blob = Buffer.from(concatBytes(checkpointKeyId(port, origin, dockKey.publicKey), signature)).toString('base64');
  return `${body}\n\u2014 ${origin} ${blob}\n`;
}

export interface Checkpoint { origin: string; size: number; root: Uint8Array }

/** Parses and checks a checkpoint against the dock key; throws saying what is wrong. */
export function openCheckpoint(port: CryptoPort, text: string, dockPublicKey: Uint8Array): Checkpoint {
  const match = /^([^\n]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\n\n\u2014 (\S+) ([A-Za-z0-9+/=]+)\n$/.exec(text);
  if (!match) throw new Error('the checkpoint is not in the format STORE.md section 3.3 gives');
  const [, origin, sizeText, rootText, name, blobText] = match as unknown as [string, string, string, string, string, string];
  const expected = logOrigin(port, dockPublicKey);
  if (origin !== expected || name !== expected) throw new Error(`the checkpoint names ${origin}, but this store's dock key is ${expected}`);
  const blob = Uint8Array.from(Buffer.from(blobText, 'base64'));
  if (blob.length !== 68 || !bytesEqual(blob.subarray(0, 4), checkpointKeyId(port, origin, dockPublicKey))) throw new Error('the checkpoint signature line is not for this dock key');
  const body = checkpointBody(origin, Number(sizeText), Uint8Array.from(Buffer.from(rootText, 'base64')));
  if (!port.p256Verify(dockPublicKey, new TextEncoder().encode(body), blob.subarray(4))) throw new Error("the checkpoint signature does not verify with the dock's key");
  return { origin, size: Number(sizeText), root: Uint8Array.from(Buffer.from(rootText, 'base64')) };
}

export interface LogFrame { index: number; offset: number; bytes: Uint8Array }

/** Splits the entries file into frames (u32 length || entry); stops at what it cannot delimit. */
export function readLogFrames(file: Uint8Array): { frames: LogFrame[]; problem?: string } {
  const frames: LogFrame[] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = 0;
  while (offset < file.length) {
    if (offset + 4 > file.length) return { frames, problem: `a truncated length at offset ${offset}` };
    const length = view.getUint32(offset);
    if (length === 0 || length > MAX_ENTRY_LENGTH) return { frames, problem: `an impossible entry length ${length} at offset ${offset}` };
    if (offset + 4 + length > file.length) return { frames, problem: `entry #${frames.length} at offset ${offset} is truncated` };
    frames.push({ index: frames.length, offset, bytes: file.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  return { frames };
}

/** The Merkle tree's right edge (a compact range): append leaves, read the RFC 6962 root at any size. */
export class MerklePeaks {
  readonly #port: CryptoPort;
  /** Roots of the perfect subtrees covering the leaves, largest first. */
  readonly #peaks: { height: number; hash: Uint8Array }[] = [];
  #size = 0;

  constructor(port: CryptoPort) {
    this.#port = port;
  }

  get size(): number {
    return this.#size;
  }

  appendEntry(entry: Uint8Array): void {
    this.#peaks.push({ height: 0, hash: leafHash(this.#port, entry) });
    this.#size++;
    while (this.#peaks.length > 1 && this.#peaks.at(-1)!.height === this.#peaks.at(-2)!.height) {
      const right = this.#peaks.pop()!;
      const left = this.#peaks.pop()!;
      this.#peaks.push({ height: left.height + 1, hash: nodeHash(this.#port, left.hash, right.hash) });
    }
  }

  /** The RFC 6962 root from the peaks: fold from the smallest, each left peak over what is right of it. */
  get root(): Uint8Array {
    if (!this.#peaks.length) return this.#port.sha256(new Uint8Array(0));
    let hash = this.#peaks.at(-1)!.hash;
    for (let i = this.#peaks.length - 2; i >= 0; i--) hash = nodeHash(this.#port, this.#peaks[i]!.hash, hash);
    return hash;
  }

  /** The peaks' hashes, largest subtree first: with the size, all a writer needs to go on appending. */
  get edge(): Uint8Array {
    return concatBytes(...this.#peaks.map((p) => p.hash));
  }

  /** The edge of a tree of `size` leaves from its peaks' hashes (the heights are the size's set bits). */
  static fromEdge(port: CryptoPort, size: number, edge: Uint8Array): MerklePeaks {
    const peaks = new MerklePeaks(port);
    const heights: number[] = [];
    for (let h = 52; h >= 0; h--) if (Math.floor(size / 2 ** h) % 2 === 1) heights.push(h);
    if (!Number.isSafeInteger(size) || size < 0 || edge.length !== 32 * heights.length) throw new Error(`an edge of ${edge.length} bytes is not the ${heights.length} peaks of a tree of ${size} leaves`);
    heights.forEach((height, i) => peaks.#peaks.push({ height, hash: edge.slice(32 * i, 32 * i + 32) }));
    peaks.#size = size;
    return peaks;
  }

  clone(): MerklePeaks {
    const copy = new MerklePeaks(this.#port);
    copy.#peaks.push(...this.#peaks.map((p) => ({ ...p })));
    copy.#size = this.#size;
    return copy;
  }
}

/** The dock's end of the log: appends an entry (fsync'd), then signs a new checkpoint. */
export class StoreLogWriter {
  readonly #dir: string;
  readonly #port: CryptoPort;
  readonly #tree: MerklePeaks;

  constructor(storeDir: string, port: CryptoPort) {
    this.#dir = path.join(storeDir, LOG_DIR);
    this.#port = port;
    this.#tree = new MerklePeaks(port);
    fs.mkdirSync(this.#dir, { recursive: true });
    const file = path.join(this.#dir, LOG_ENTRIES_FILE);
    const bytes = fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : new Uint8Array(0);
    const { frames, problem } = readLogFrames(bytes);
    if (problem) throw new Error(`the store log ${file} is damaged (${problem}); run chaincam verify on the store and keep it as it is for examination`);
    for (const frame of frames) this.#tree.appendEntry(frame.bytes);
  }

  get size(): number {
    return this.#tree.size;
  }

  get root(): Uint8Array {
    return this.#tree.root;
  }

  append(entry: Uint8Array, dockKey: { publicKey: Uint8Array; privateKey: Uint8Array }): number {
    const file = path.join(this.#dir, LOG_ENTRIES_FILE);
    const fd = fs.openSync(file, 'a', 0o644);
    try {
      fs.writeSync(fd, new ByteWriter().u32(entry.length).bytes(entry).finish());
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fsyncDirectory(this.#dir);
    this.#tree.appendEntry(entry);
    writeFileDurably(path.join(this.#dir, LOG_CHECKPOINT_FILE), signCheckpoint(this.#port, dockKey, this.#tree.size, this.root));
    return this.#tree.size - 1;
  }
}
