// The byte plumbing every format rests on, at its edges: UTF-8 against node's own encoder at each
// length boundary and surrogate edge, the decoder refusing overlong, out-of-range, surrogate,
// cut and stray bytes; integer fields refusing what does not fit and naming the field kind; hex
// refusing what is not hex; equal-length comparison. Written for the mutants that survived the
// format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter, bytesEqual, decodeUtf8, encodeUtf8, fromHex } from '../../firmware/format/bytes.js';

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('byte rules', () => {
  it('encodes UTF-8 byte for byte as node does at every length boundary and surrogate edge', () => {
    const texts = [
      '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff',
      '\ud800\udc00', '\ud800\udfff', '\udbff\udc00', '\udbff\udfff', '\ud83c\udfa5', 'a\ud83c\udfa5b', '녹화 중',
    ];
    for (const text of texts) {
      assert.deepEqual(encodeUtf8(text), utf8(text), JSON.stringify(text));
      assert.equal(decodeUtf8(encodeUtf8(text)), text);
    }
  });

  it('refuses a surrogate that is not half of a pair, wherever it stands', () => {
    for (const text of ['\ud800', '\udbff', '\udc00', '\udfff', 'a\udc00', '\ud800a', '\ud800\ud800', '\udc00\ud800', '\udc00\udc00', '\ue000\udc00', '\ud800\ue000', 'x\udbff']) {
      assert.throws(() => encodeUtf8(text), { message: 'text contains an unpaired surrogate' }, JSON.stringify(text));
    }
  });

  it('decodes the shortest forms at each boundary, up to U+10FFFF', () => {
    const forms: [number[], string][] = [
      [[0x7f], '\u007f'], [[0xc2, 0x80], '\u0080'], [[0xdf, 0xbf], '\u07ff'], [[0xe0, 0xa0, 0x80], '\u0800'],
      [[0xed, 0x9f, 0xbf], '\ud7ff'], [[0xee, 0x80, 0x80], '\ue000'], [[0xf0, 0x90, 0x80, 0x80], '\ud800\udc00'], [[0xf4, 0x8f, 0xbf, 0xbf], '\udbff\udfff'],
    ];
    for (const [bytes, text] of forms) assert.equal(decodeUtf8(Uint8Array.from(bytes)), text, bytes.join(' '));
  });

  it('refuses overlong forms, surrogates, code points past U+10FFFF, 5- and 6-byte leads, stray and cut continuations', () => {
    const invalid = [
      [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x9f, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf],
      [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfc, 0x80, 0x80, 0x80],
      [0xc3, 0x28], [0xe4, 0xb8], [0xe4, 0xb8, 0x41], [0xf0, 0x9f, 0x8e],
    ];
    for (const bytes of invalid) assert.throws(() => decodeUtf8(Uint8Array.from(bytes)), { message: 'invalid UTF-8' }, bytes.join(' '));
  });

  it('writes integers only where they fit, and names the kind of field that does not', () => {
    const cases: [keyof ByteWriter & ('u8' | 'u16' | 'u32' | 'u64'), number, number][] = [
      ['u8', 0xff, 0x100], ['u16', 0xffff, 0x10000], ['u32', 0xffffffff, 0x100000000], ['u64', Number.MAX_SAFE_INTEGER, 2 ** 53],
    ];
    for (const [kind, largest, over] of cases) {
      assert.doesNotThrow(() => new ByteWriter()[kind](largest));
      for (const bad of [over, -1, 1.5, Number.NaN]) {
        assert.throws(() => new ByteWriter()[kind](bad), { message: `${kind} out of range: ${bad}` });
      }
    }
    assert.deepEqual(new ByteWriter().u64(2 ** 40 + 7).finish(), Uint8Array.of(0, 0, 1, 0, 0, 0, 0, 7));
  });

  it('a text field takes 255 UTF-8 bytes and refuses 256, quoting its first 40 characters', () => {
    assert.equal(new ByteWriter().text('é'.repeat(127) + 'a').finish().length, 256);
    const long = 'é'.repeat(128);
    assert.throws(() => new ByteWriter().text(long), { message: `text longer than 255 UTF-8 bytes: "${'é'.repeat(40)}..."` });
  });

  it('a reader without field names names the field kind it was cut in', () => {
    const empty = () => new ByteReader(new Uint8Array(0));
    assert.throws(() => empty().u8(), { message: 'truncated: u8 needs 1 bytes at offset 0, 0 left' });
    assert.throws(() => empty().u16(), { message: 'truncated: u16 needs 2 bytes at offset 0, 0 left' });
    assert.throws(() => empty().u32(), { message: 'truncated: u32 needs 4 bytes at offset 0, 0 left' });
    assert.throws(() => empty().u64(), { message: 'truncated: u64 needs 8 bytes at offset 0, 0 left' });
    assert.throws(() => empty().take(3), { message: 'truncated: bytes needs 3 bytes at offset 0, 0 left' });
    assert.throws(() => empty().text(), { message: 'truncated: text length needs 1 bytes at offset 0, 0 left' });
    assert.throws(() => new ByteReader(Uint8Array.of(2, 0x41)).text(), { message: 'truncated: text needs 2 bytes at offset 1, 1 left' });
  });

  it('reads a u64 up to 2^53 - 1 and names one past it', () => {
    assert.equal(new ByteReader(Uint8Array.of(0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)).u64(), Number.MAX_SAFE_INTEGER);
    assert.throws(() => new ByteReader(Uint8Array.of(0, 0x20, 0, 0, 0, 0, 0, 0)).u64(), { message: 'u64 exceeds 2^53 at offset 0' });
  });

  it('hex: an odd length or a character outside 0-9a-f (either nibble) is refused, quoting 20 characters', () => {
    assert.deepEqual(fromHex('00Ff7a'), Uint8Array.of(0, 0xff, 0x7a));
    assert.throws(() => fromHex('abc'), { message: 'not a hex string (odd length): "abc"' });
    assert.throws(() => fromHex(`${'0'.repeat(30)}1`), { message: `not a hex string (odd length): "${'0'.repeat(20)}"` });
    for (const bad of ['zz', '0z', 'z0', '0g', ' 0']) assert.throws(() => fromHex(bad), { message: `not a hex string: "${bad}"` });
    assert.throws(() => fromHex(`${'ab'.repeat(15)}xy`), { message: `not a hex string: "${'ab'.repeat(10)}"` });
  });

  it('bytes are equal only at equal length, a prefix is not equal', () => {
    assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3)), false);
    assert.equal(bytesEqual(Uint8Array.of(1, 2, 0), Uint8Array.of(1, 2)), false);
    assert.equal(bytesEqual(new Uint8Array(0), Uint8Array.of(0)), false);
    assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
    assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
  });
});
