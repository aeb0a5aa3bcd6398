// Decrypts one sealed segment file to a plaintext file in constant memory. The plaintext is
// written under a temporary name and renamed only once the payload tag checks out, so a
// failed export never leaves a file that looks like footage.
import fs from 'node:fs';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { SEALED_HEADER_LENGTH, SEALED_TAG_LENGTH, SegmentOpener, type SealedHeader } from '../../firmware/format/sealed-segment.js';
import { MEDIA_TYPES } from '../../firmware/format/record-codes.js';
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
    out = fs.openSync(partial, 'wx', 0o600);
    const end = size - SEALED_TAG_LENGTH;
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    for (let position = SEALED_HEADER_LENGTH; position < end; ) {
      const n = fs.readSync(fd, buffer, 0, Math.min(READ_SIZE, end - position), position);
      if (n === 0) throw new Error(`${sealedFile} shrank while being read`);
      const plaintext = opener.open(buffer.subarray(0, n));
      plaintextHash.update(plaintext);
      fs.writeSync(out, plaintext);
      position += n;
    }
    opener.finish(readAt(fd, end, SEALED_TAG_LENGTH));
    fs.closeSync(out);
    out = undefined;
    fs.renameSync(partial, outFile);
    return { header: opener.header, file: outFile, plaintextLength: end - SEALED_HEADER_LENGTH, plaintextSha256: plaintextHash.digest() };
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
