// The sealed segment container's rules (docs/FORMAT.md section 9) as a reader meets them: each
// header a camera could not have written is refused with the message that names what is wrong,
// the key envelope is checked before anything is decrypted, a sealer is used once, and the
// camera keeps nothing that could recover the content key. Written for the mutants that survived
// the format's mutation run (docs/MUTATION.md); real sealing over node:crypto throughout.
import assert from 'node:assert/strict';
import { concatBytes } from '../../firmware/format/bytes.js';
import type { CtrStream, IncrementalHash } from '../../firmware/format/crypto-port.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import {
  SEALED_HEADER_LENGTH, SegmentOpener, SegmentSealer, decodeSealedHeader, encodeSealedHeader,
} from '../../firmware/format/sealed-segment.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';

const port = new NodeCryptoPort();
const agency = generateP256KeyPair(port);
const deviceId = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

function sealer(options: { mediaType?: number; cryptoPort?: NodeCryptoPort } = {}): SegmentSealer {
  return new SegmentSealer({
    port: options.cryptoPort ?? port, agencyPublicKey: agency.publicKey, deviceId, recording: 7, segmentIndex: 3,
    mediaType: options.mediaType ?? 1,
  });
}

function sealed(plaintext: Uint8Array, options: { cryptoPort?: NodeCryptoPort } = {}): Uint8Array {
  const s = sealer(options);
  const body = s.seal(plaintext);
  return concatBytes(s.header, body, s.finish().trailer);
}

function opener(header: Uint8Array): SegmentOpener {
  return new SegmentOpener({ port, agencyPrivateKey: agency.privateKey, agencyPublicKey: agency.publicKey, header });
}

describe('sealed segment rules (docs/FORMAT.md section 9)', () => {
  it('a file shorter than the 171-byte header is refused as such, at 170 bytes and at none', () => {
    const header = sealer().header;
    for (const length of [0, 8, SEALED_HEADER_LENGTH - 1]) {
      assert.throws(() => decodeSealedHeader(header.subarray(0, length)), { message: 'sealed segment shorter than its 171-byte header' });
    }
    assert.equal(decodeSealedHeader(header).recording, 7);
  });

  it('reads every header field where section 9 puts it', () => {
    const header = decodeSealedHeader(sealer({ mediaType: 2 }).header);
    assert.equal(header.suite, 1);
    assert.equal(header.mediaType, 2);
    assert.deepEqual(header.deviceId, deviceId);
    assert.equal(header.recording, 7);
    assert.equal(header.segmentIndex, 3);
    assert.deepEqual(header.agencyKeyId, port.sha256(agency.publicKey).slice(0, 8));
    assert.equal(header.ephemeralPublicKey.length, 65);
    assert.equal(header.wrappedKey.length, 32);
    assert.equal(header.wrapTag.length, 32);
  });

  it('bad magic, another suite, an unknown media type and an ephemeral key that is no point are each named', () => {
    const good = decodeSealedHeader(sealer().header);
    const badMagic = sealer().header.slice();
    badMagic[5] = 0x4d;
    assert.throws(() => decodeSealedHeader(badMagic), { message: 'not a chaincam sealed segment (bad magic; expected "CCSEAL" 00 01)' });
    assert.throws(() => decodeSealedHeader(encodeSealedHeader({ ...good, suite: 2 })), { message: 'unsupported sealing suite 2' });
    assert.throws(() => decodeSealedHeader(encodeSealedHeader({ ...good, mediaType: 3 })), { message: 'unknown media type 3' });
    const compressed = good.ephemeralPublicKey.slice();
    compressed[0] = 0x02;
    assert.throws(() => decodeSealedHeader(encodeSealedHeader({ ...good, ephemeralPublicKey: compressed })),
      { message: 'ephemeral public key is not an uncompressed P-256 point' });
    for (const mediaType of [0, 1, 2]) assert.equal(decodeSealedHeader(encodeSealedHeader({ ...good, mediaType })).mediaType, mediaType);
  });

  it('refuses to seal to an agency key that is not an uncompressed P-256 point', () => {
    for (const key of [agency.publicKey.subarray(0, 64), Uint8Array.of(0x03, ...agency.publicKey.subarray(1))]) {
      assert.throws(() => new SegmentSealer({ port, agencyPublicKey: key, deviceId, recording: 1, segmentIndex: 0, mediaType: 1 }),
        { message: 'agency public key must be a 65-byte uncompressed P-256 point' });
    }
  });

  it('an altered header byte under the wrap tag is refused before any footage is decrypted', () => {
    const file = sealed(Uint8Array.of(1, 2, 3));
    // recording (26), segment index (30), the wrapped key (107) and the wrap tag itself (139):
    // each changes what the envelope authenticates, so the opener refuses at once.
    for (const at of [27, 33, 110, 139, 170]) {
      const header = file.slice(0, SEALED_HEADER_LENGTH);
      header[at]! ^= 0x01;
      assert.throws(() => opener(header), { message: 'key envelope does not authenticate (header altered, or not sealed to this agency key)' });
    }
    const open = opener(file.subarray(0, SEALED_HEADER_LENGTH));
    assert.deepEqual(open.open(file.subarray(SEALED_HEADER_LENGTH, file.length - 32)), Uint8Array.of(1, 2, 3));
    open.finish(file.subarray(file.length - 32));
  });

  it('a sealer seals nothing more once finished, and finishes once', () => {
    const s = sealer();
    s.seal(Uint8Array.of(1));
    s.finish();
    assert.throws(() => s.seal(Uint8Array.of(2)), { message: 'segment already finished' });
    assert.throws(() => s.finish(), { message: 'segment already finished' });
  });

  it('erases the content key, the ephemeral private key, the shared secret and every derived key once the header is made', () => {
    const handed = new HandedKeysPort();
    const file = sealed(new Uint8Array(1000).fill(0x5a), { cryptoPort: handed });
    // What the port handed out or was handed: the content key and ephemeral private key (random),
    // the ECDH secret, the two AES keys (wrap, segment), and the two HMAC keys that follow an AES
    // key (the wrap tag's and the payload tag's); HKDF's own HMACs are key-derivation.ts's business.
    const keys = handed.keys;
    const aes = keys.filter((k) => k.kind === 'aes');
    const after = (entry: KeyUse) => keys[keys.indexOf(entry) + 1]!;
    assert.deepEqual([aes.length, after(aes[0]!).kind, keys[keys.length - 1]!.kind], [2, 'hmac', 'hmac']);
    const secrets = [...handed.random, ...handed.shared, ...aes, after(aes[0]!), keys[keys.length - 1]!];
    assert.equal(secrets.length, 7);
    for (const secret of secrets) {
      assert.ok(secret.original.some((byte) => byte !== 0), 'a key was zero when it was used');
      assert.deepEqual(secret.live, new Uint8Array(secret.live.length), 'a key was left in memory after sealing');
    }
    // Erased after use, not before: the agency key still opens what was sealed.
    const open = opener(file.subarray(0, SEALED_HEADER_LENGTH));
    assert.deepEqual(open.open(file.subarray(SEALED_HEADER_LENGTH, file.length - 32)), new Uint8Array(1000).fill(0x5a));
    open.finish(file.subarray(file.length - 32));
  });
});

interface Handed { live: Uint8Array; original: Uint8Array }
interface KeyUse extends Handed { kind: 'aes' | 'hmac' }

/**
 * node:crypto, remembering each secret array it hands out or is handed (node:crypto copies keys,
 * so the arrays are the sealer's own): the test then reads what the sealer left in them. The keys
 * of AES and HMAC are kept in call order, so the wrap's and the segment's can be told apart.
 */
class HandedKeysPort extends NodeCryptoPort {
  random: Handed[] = [];
  shared: Handed[] = [];
  keys: KeyUse[] = [];

  override randomBytes(length: number): Uint8Array {
    const bytes = super.randomBytes(length);
    this.random.push(handed(bytes));
    return bytes;
  }

  override p256SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
    const bytes = super.p256SharedSecret(privateKey, peerPublicKey);
    this.shared.push(handed(bytes));
    return bytes;
  }

  override createAes256Ctr(key: Uint8Array, initialCounter: Uint8Array): CtrStream {
    this.keys.push({ kind: 'aes', ...handed(key) });
    return super.createAes256Ctr(key, initialCounter);
  }

  override createHmacSha256(key: Uint8Array): IncrementalHash {
    this.keys.push({ kind: 'hmac', ...handed(key) });
    return super.createHmacSha256(key);
  }
}

function handed(bytes: Uint8Array): Handed {
  return { live: bytes, original: bytes.slice() };
}
