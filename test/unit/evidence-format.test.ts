// The engine-neutral evidence format: canonical record bytes, the chain, and sealing.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { concatBytes, decodeUtf8, encodeUtf8, toHex } from '../../firmware/format/bytes.js';
import { EVENT_SCHEMAS, type ChainEvent } from '../../firmware/format/chain-events.js';
import { decodeRecord, encodeRecord, type ChainRecord } from '../../firmware/format/chain-records.js';
import { ChainWriter, checkpointMessage, deriveDeviceId, genesisLink, nextLink } from '../../firmware/format/chain.js';
import { readChainLog, CHAIN_LOG_MAGIC } from '../../firmware/format/chain-log.js';
import { generateP256KeyPair, hkdfSha256 } from '../../firmware/format/key-derivation.js';
import { SEALED_HEADER_LENGTH, SegmentOpener, SegmentSealer } from '../../firmware/format/sealed-segment.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SeededCryptoPort } from '../../host-tools/crypto/seeded-crypto-port.js';

const port = new NodeCryptoPort();
const id16 = (n: number) => new Uint8Array(16).fill(n);
const d32 = (n: number) => new Uint8Array(32).fill(n);

const sampleEvents: ChainEvent[] = [
  { type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' },
  { type: 'recording-start', recording: 7, legalGround: 2, startMode: 1 },
  { type: 'recording-stop', recording: 7, stopReason: 2 },
  { type: 'ground-change', recording: 7, fromGround: 0, toGround: 6, reason: '긴급 — confirmed' },
  { type: 'notice-failure', recording: 7, failedIndicators: 0b010, noticeReason: 1, text: 'buzzer silent' },
  { type: 'dock-session', phase: 1, dockId: id16(9) },
  { type: 'release', segmentSequence: 4, sealedDigest: d32(1), receiptDigest: d32(2) },
  { type: 'clock-set', previousTime: 0, newTime: 1_764_000_000_000, source: 1 },
  { type: 'config-change-v1', configDigest: d32(3), summary: 'max recording 60 min' },
  { type: 'config-change', configDigest: d32(4), configuration: Uint8Array.of(1, 2, 3), summary: 'profile kr-2024' },
  { type: 'segment-lost', recording: 7, segmentIndex: 3, lossReason: 1 },
  { type: 'ground-unconfirmed', recording: 7, deadlineMs: 30_000 },
  { type: 'storage-card', condition: 6, freeBytes: 31_914_000_000, totalBytes: 31_914_000_000 + 2 ** 33 },
];

describe('evidence format: bytes', () => {
  it('encodes UTF-8 like TextEncoder and decodes it back, rejecting overlong forms', () => {
    for (const text of ['', 'RECORDING', '녹화 중', 'emoji 🎥 ok', 'é']) {
      assert.deepEqual(encodeUtf8(text), new TextEncoder().encode(text));
      assert.equal(decodeUtf8(encodeUtf8(text)), text);
    }
    assert.throws(() => decodeUtf8(Uint8Array.of(0xc0, 0x80)), /invalid UTF-8/);
    assert.throws(() => decodeUtf8(Uint8Array.of(0xe4, 0xb8)), /invalid UTF-8/);
    assert.throws(() => decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), /invalid UTF-8/);
  });
});

describe('evidence format: chain records', () => {
  const records: ChainRecord[] = [
    {
      kind: 'segment', sequence: 3, time: 1_764_000_010_000, recording: 7, segmentIndex: 0,
      startTime: 1_764_000_000_000, endTime: 1_764_000_010_000, legalGround: 2, noticeIndicators: 0b111,
      noticeReason: 0, noticeText: '', sealedLength: 123_456_789, sealedDigest: d32(0xab),
    },
    { kind: 'checkpoint', sequence: 4, time: 5, deviceId: id16(1), headLink: d32(2), signature: new Uint8Array(64).fill(3) },
    ...sampleEvents.map((event, i): ChainRecord => ({ kind: 'event', sequence: 10 + i, time: 1000 * i, event })),
  ];

  it('covers every event type in the schema table', () => {
    assert.deepEqual(sampleEvents.map((e) => e.type).sort(), EVENT_SCHEMAS.map((s) => s.type).sort());
  });

  it('round-trips every record kind and re-encodes to identical bytes', () => {
    for (const record of records) {
      const bytes = encodeRecord(record);
      const decoded = decodeRecord(bytes);
      assert.deepEqual(decoded, record);
      assert.deepEqual(encodeRecord(decoded), bytes);
    }
  });

  it('rejects trailing bytes, truncation, unknown kinds and out-of-range codes', () => {
    const bytes = encodeRecord(records[0]!);
    assert.throws(() => decodeRecord(concatBytes(bytes, Uint8Array.of(0))), /trailing/);
    assert.throws(() => decodeRecord(bytes.subarray(0, bytes.length - 1)), /truncated/);
    const badKind = bytes.slice(); badKind[1] = 9;
    assert.throws(() => decodeRecord(badKind), /unknown record kind 9/);
    const badGround = bytes.slice(); badGround[38] = 10;
    assert.throws(() => decodeRecord(badGround), /legal ground 10/);
    assert.throws(() => encodeRecord({ ...(records[0] as Extract<ChainRecord, { kind: 'segment' }>), noticeIndicators: 0 }), /no indicator/);
  });

  it('lays out the segment record at the offsets docs/FORMAT.md gives', () => {
    const bytes = encodeRecord(records[0]!);
    assert.equal(toHex(bytes.subarray(0, 6)), '010100000003');
    assert.equal(bytes[38], 2); // legal ground
    assert.equal(bytes[39], 7); // notice indicators
    assert.equal(toHex(bytes.subarray(49, 81)), 'ab'.repeat(32));
    assert.equal(bytes.length, 82);
  });
});

describe('evidence format: chain', () => {
  it('links records from a genesis bound to the camera and signs checkpoints that verify', () => {
    const camera = generateP256KeyPair(port);
    const deviceId = deriveDeviceId(port, camera.publicKey);
    const writer = new ChainWriter({ port, deviceId, cameraPublicKey: camera.publicKey, signingKey: camera.privateKey });
    const first = writer.appendEvent(1000, sampleEvents[0]!);
    assert.deepEqual(first.link, nextLink(port, genesisLink(port, deviceId, camera.publicKey), first.body));
    const checkpoint = writer.appendCheckpoint(2000);
    assert.deepEqual(checkpoint.record.headLink, first.link);
    const message = checkpointMessage(deviceId, 1, first.link, 2000);
    assert.ok(port.p256Verify(camera.publicKey, message, checkpoint.record.signature));
    assert.deepEqual(writer.head, { sequence: 2, link: checkpoint.link });

    const log = concatBytes(CHAIN_LOG_MAGIC, first.frame, checkpoint.frame);
    const { frames, problem } = readChainLog(log);
    assert.equal(problem, undefined);
    assert.deepEqual(frames.map((f) => f.body), [first.body, checkpoint.body]);
    assert.match(readChainLog(log.subarray(0, log.length - 5)).problem!.message, /truncated/);
  });

  it('derives HKDF-SHA-256 output matching node:crypto', () => {
    const ikm = d32(7);
    const salt = Uint8Array.of(1, 2, 3);
    const info = Uint8Array.of(4, 5);
    assert.deepEqual(hkdfSha256(port, ikm, salt, info, 80), new Uint8Array(crypto.hkdfSync('sha256', ikm, salt, info, 80)));
  });
});

describe('evidence format: sealing', () => {
  const agency = generateP256KeyPair(port);
  const plaintext = crypto.randomBytes(100_003);

  function seal(chunkSizes: number[]): Uint8Array {
    const sealer = new SegmentSealer({ port, agencyPublicKey: agency.publicKey, deviceId: id16(5), recording: 1, segmentIndex: 2, mediaType: 1 });
    const parts = [sealer.header];
    let offset = 0;
    for (let i = 0; offset < plaintext.length; i++) {
      const size = chunkSizes[i % chunkSizes.length]!;
      parts.push(sealer.seal(plaintext.subarray(offset, offset + size)));
      offset += size;
    }
    const summary = sealer.finish();
    const sealed = concatBytes(...parts, summary.trailer);
    assert.equal(summary.sealedLength, sealed.length);
    assert.deepEqual(summary.sealedDigest, port.sha256(sealed));
    return sealed;
  }

  function open(sealed: Uint8Array, key = agency): Uint8Array {
    const opener = new SegmentOpener({ port, agencyPrivateKey: key.privateKey, agencyPublicKey: key.publicKey, header: sealed.subarray(0, SEALED_HEADER_LENGTH) });
    const out = opener.open(sealed.subarray(SEALED_HEADER_LENGTH, sealed.length - 32));
    opener.finish(sealed.subarray(sealed.length - 32));
    return out;
  }

  it('round-trips whatever the chunking, including chunks that are not multiples of 16', () => {
    for (const sizes of [[100_003], [1, 15, 17, 4096], [16]]) {
      assert.deepEqual(open(seal(sizes)), new Uint8Array(plaintext));
    }
  });

  it('refuses another agency key, and any altered byte', () => {
    const sealed = seal([5000]);
    assert.throws(() => open(sealed, generateP256KeyPair(port)), /sealed to agency key/);
    for (const at of [9, 120, 150, SEALED_HEADER_LENGTH + 10, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at]! ^= 1;
      assert.throws(() => open(bad), /altered|authenticate|media type/);
    }
  });
});

describe('seeded crypto port', () => {
  it('is reproducible and its signatures verify with OpenSSL', () => {
    const a = new SeededCryptoPort('x');
    const b = new SeededCryptoPort('x');
    const keyA = generateP256KeyPair(a);
    assert.deepEqual(keyA, generateP256KeyPair(b));
    const message = Uint8Array.of(1, 2, 3);
    const signature = a.p256Sign(keyA.privateKey, message);
    assert.deepEqual(signature, b.p256Sign(keyA.privateKey, message));
    assert.ok(port.p256Verify(keyA.publicKey, message, signature));
    assert.ok(!port.p256Verify(keyA.publicKey, Uint8Array.of(1, 2, 4), signature));
  });
});
