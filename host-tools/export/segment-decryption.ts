// Decrypts one sealed segment file to a plaintext file in constant memory. The plaintext is
// written under a temporary name and renamed only once the payload tag checks out, so a
// failed export never leaves a file that looks like footage. A streamed AVI (media type 2)
// carries its fixed-size header last: it is decrypted after room left for the header, and the
// header is moved to the front at the end (docs/FORMAT.md section 9.1).
import fs from 'node:fs';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { SEALED_HEADER_LENGTH, SEALED_TAG_LENGTH, SegmentOpener, type SealedHeader } from '../../firmware/format/sealed-segment.js';
import { MEDIA_TYPES } from '../../firmware/format/record-codes.js';
import { AVI_HEADER_LENGTH } from '../../firmware/capture/avi-layout.js';

/** Media type 2: an AVI whose AVI_HEADER_LENGTH-byte header follows its index. */
const MEDIA_TYPE_AVI_HEADER_LAST = 2;
import type { AgencyKey } from '../keys/key-files.js';

const READ_SIZE = 4 * 1024 * 1024;

export interface DecryptedSegment {
  header: SealedHeader;
  /** outBase plus the extension of the sealed media type (".avi"). */
  file: string;
  plaintextLength: number;
  plaintextSha256: Uint8Array;
}

export function decryptSegmentFile(port: CryptoPort, agency: AgencyKey, sealedFile: string, outBase: string): DecryptedSegment {
  if (!agency.privateKey) throw new Error('export needs the agency private key (agency.key), not agency.pub');
  const fd = fs.openSync(sealedFile, 'r');
  let partial = '';
  let out: number | undefined;
  try {
    const size = fs.fstatSync(fd).size;
    if (size < SEALED_HEADER_LENGTH + SEALED_TAG_LENGTH) throw new Error(`${sealedFile} is too short to be a sealed segment`);
    const header = readAt(fd, 0, SEALED_HEADER_LENGTH);
    const opener = new SegmentOpener({ port, agencyPrivateKey: agency.privateKey, agencyPublicKey: agency.publicKey, header });
    const outFile = `${outBase}.${MEDIA_TYPES[opener.header.mediaType]?.extension ?? 'bin'}`;
    if (fs.existsSync(outFile)) throw new Error(`${outFile} already exists; export into an empty directory`);
    partial = `${outFile}.partial`;
    const plaintextHash = port.createSha256();
    out = fs.openSync(partial, 'wx+', 0o600);
    const end = size - SEALED_TAG_LENGTH;
    const headerLast = opener.header.mediaType === MEDIA_TYPE_AVI_HEADER_LAST;
    const plaintextLength = end - SEALED_HEADER_LENGTH;
    if (headerLast && plaintextLength < AVI_HEADER_LENGTH) throw new Error(`${sealedFile} is too short to hold a streamed AVI's ${AVI_HEADER_LENGTH}-byte header`);
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let outPosition = headerLast ? AVI_HEADER_LENGTH : 0;
    for (let position = SEALED_HEADER_LENGTH; position < end; ) {
      const n = fs.readSync(fd, buffer, 0, Math.min(READ_SIZE, end - position), position);
      if (n === 0) throw new Error(`${sealedFile} shrank while being read`);
      const plaintext = opener.open(buffer.subarray(0, n));
      if (!headerLast) plaintextHash.update(plaintext);
      fs.writeSync(out, plaintext, 0, plaintext.length, outPosition);
      outPosition += n;
      position += n;
    }
    opener.finish(readAt(fd, end, SEALED_TAG_LENGTH));
    if (headerLast) moveHeaderToFront(out, plaintextLength, plaintextHash);
    fs.closeSync(out);
    out = undefined;
    fs.renameSync(partial, outFile);
    return { header: opener.header, file: outFile, plaintextLength, plaintextSha256: plaintextHash.digest() };
  } catch (error) {
    if (out !== undefined) fs.closeSync(out);
    if (partial) fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  if (fs.readSync(fd, bytes, 0, length, position) !== length) throw new Error('unexpected end of file');
  return bytes;
}

/** The last AVI_HEADER_LENGTH bytes go to the front; the file is cut to the AVI; hashes it in file order. */
function moveHeaderToFront(out: number, length: number, hash: { update(bytes: Uint8Array): void }): void {
  const header = readAt(out, length, AVI_HEADER_LENGTH);
  fs.writeSync(out, header, 0, header.length, 0);
  fs.ftruncateSync(out, length);
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  for (let position = 0; position < length; ) {
    const n = fs.readSync(out, buffer, 0, Math.min(READ_SIZE, length - position), position);
    hash.update(buffer.subarray(0, n));
    position += n;
  }
}
