// Every dock link message is the bytes docs/PROTOCOL.md section 3's table gives, built here from
// the table field by field (not from the codec), and read back strictly: a message cut at any
// field names that field and its offset, a byte too many names the message, and each field's
// limits (max data 4096-32768, DATA 1-32768 bytes, 80 LIST-REPLY entries, 1-16 enrolled docks,
// BENCH's 255 bytes, objects 1 and 2, an ERROR's 200 characters) hold at their edges. Written for
// the mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import {
  DOCK_OBJECT, decodeDockMessage, encodeData, encodeDockMessage, messageTypeCode, windowFor, type DockMessage, type ListEntry,
} from '../../firmware/format/dock-messages.js';

const fill = (length: number, byte: number) => new Uint8Array(length).fill(byte);
const u8 = (v: number) => Uint8Array.of(v);
const u16 = (v: number) => Uint8Array.of(v >>> 8, v & 0xff);
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return new Uint8Array(b); };
const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(v)); return new Uint8Array(b); };
const text = (s: string) => { const b = Buffer.from(s, 'utf8'); return Uint8Array.of(b.length, ...b); };
const key = (byte: number) => Uint8Array.of(4, ...fill(64, byte));

/** A field as the spec lists it: the name the reader gives it, its bytes, and whether it is a `text`. */
type Field = [name: string, bytes: Uint8Array, kind?: 'text' | 'rest'];
interface Layout { code: number; message: DockMessage; fields: Field[] }

const entry: ListEntry = { sequence: 9, recording: 2, segmentIndex: 1, sealedLength: 5_000_000_000, sealedDigest: fill(32, 0xe1) };
const entryFields: Field[] = [
  ['sequence', u32(9)], ['recording', u32(2)], ['segment index', u32(1)], ['sealed length', u64(5_000_000_000)], ['sealed digest', fill(32, 0xe1)],
];

const layouts: Layout[] = [
  { code: 0x01, message: { type: 'hello', version: 1, dockNonce: fill(32, 0xd0) }, fields: [['version', u8(1)], ['dock nonce', fill(32, 0xd0)]] },
  { code: 0x01, message: { type: 'hello', version: 1, dockNonce: fill(32, 0xd0), maxData: 16384 },
    fields: [['version', u8(1)], ['dock nonce', fill(32, 0xd0)], ['max data', u16(16384)]] },
  { code: 0x81, message: {
    type: 'hello-reply', version: 1, deviceId: fill(16, 0xa1), cameraPublicKey: key(0xa2), cameraNonce: fill(32, 0xa3), cameraTime: 1_764_000_000_000,
    maxData: 16384, window: 8, label: 'cam 7',
  }, fields: [['version', u8(1)], ['device id', fill(16, 0xa1)], ['camera public key', key(0xa2)], ['camera nonce', fill(32, 0xa3)],
    ['camera time', u64(1_764_000_000_000)], ['max data', u16(16384)], ['window', u8(8)], ['label', text('cam 7'), 'text']] },
  { code: 0x81, message: {
    type: 'hello-reply', version: 1, deviceId: fill(16, 0xa1), cameraPublicKey: key(0xa2), cameraNonce: fill(32, 0xa3), cameraTime: 5,
    maxData: 4096, window: 8, label: '', dockNonce: fill(32, 0xd0),
  }, fields: [['version', u8(1)], ['device id', fill(16, 0xa1)], ['camera public key', key(0xa2)], ['camera nonce', fill(32, 0xa3)],
    ['camera time', u64(5)], ['max data', u16(4096)], ['window', u8(8)], ['label', text(''), 'text'], ['dock nonce echo', fill(32, 0xd0)]] },
  { code: 0x02, message: { type: 'auth', dockPublicKey: key(0xb1), proof: fill(64, 0xb2) }, fields: [['dock public key', key(0xb1)], ['dock proof', fill(64, 0xb2)]] },
  { code: 0x82, message: { type: 'auth-reply', proof: fill(64, 0xb3) }, fields: [['camera proof', fill(64, 0xb3)]] },
  { code: 0x03, message: { type: 'list', fromSequence: 70_000 }, fields: [['from sequence', u32(70_000)]] },
  { code: 0x83, message: { type: 'list-reply', chainLength: 2 ** 33, records: 12, more: true, entries: [entry, { ...entry, sequence: 11 }] },
    fields: [['chain length', u64(2 ** 33)], ['records', u32(12)], ['more', u8(1)], ['count', u16(2)], ...entryFields,
      ...entryFields.map(([name, bytes]): Field => [name, name === 'sequence' ? u32(11) : bytes])] },
  { code: 0x83, message: { type: 'list-reply', chainLength: 40, records: 1, more: false, entries: [] },
    fields: [['chain length', u64(40)], ['records', u32(1)], ['more', u8(0)], ['count', u16(0)]] },
  { code: 0x04, message: { type: 'read', object: DOCK_OBJECT.segment, sequence: 9, offset: 2 ** 40 + 3, length: 0 },
    fields: [['object', u8(2)], ['sequence', u32(9)], ['offset', u64(2 ** 40 + 3)], ['length', u32(0)]] },
  { code: 0x05, message: { type: 'ack', object: DOCK_OBJECT.chain, sequence: 0, nextOffset: 4099 },
    fields: [['object', u8(1)], ['sequence', u32(0)], ['next offset', u64(4099)]] },
  { code: 0x06, message: { type: 'release', receipt: fill(124, 0xc1), signature: fill(64, 0xc2) }, fields: [['receipt', fill(124, 0xc1)], ['dock signature', fill(64, 0xc2)]] },
  { code: 0x86, message: { type: 'released', segmentSequence: 9, receiptDigest: fill(32, 0xc3) }, fields: [['segment sequence', u32(9)], ['receipt digest', fill(32, 0xc3)]] },
  { code: 0x07, message: { type: 'set-time', time: 1_764_000_000_000 }, fields: [['time', u64(1_764_000_000_000)]] },
  { code: 0x87, message: { type: 'time-set', previousTime: 1000, newTime: 1_764_000_000_000 }, fields: [['previous time', u64(1000)], ['new time', u64(1_764_000_000_000)]] },
  { code: 0x08, message: { type: 'bench', command: 1, argument: Uint8Array.of(7, 0, 7) }, fields: [['command', u8(1)], ['BENCH argument', Uint8Array.of(7, 0, 7), 'rest']] },
  { code: 0x88, message: { type: 'bench-reply', command: 1, status: 0, result: Uint8Array.of(7, 0, 7) },
    fields: [['command', u8(1)], ['status', u8(0)], ['BENCH-REPLY result', Uint8Array.of(7, 0, 7), 'rest']] },
  { code: 0x09, message: { type: 'close' }, fields: [] },
  { code: 0x89, message: { type: 'closed', chainLength: 123_456 }, fields: [['chain length', u64(123_456)]] },
  { code: 0x0a, message: { type: 'provision', agencyPublicKey: key(0xf1), dockPublicKeys: [key(0xf2), key(0xf3)] },
    fields: [['agency public key', key(0xf1)], ['dock count', u8(2)], ['dock public key 1', key(0xf2)], ['dock public key 2', key(0xf3)]] },
  { code: 0x8a, message: { type: 'provisioned', deviceId: fill(16, 0xa1), cameraPublicKey: key(0xa2), proof: fill(64, 0xa4) },
    fields: [['device id', fill(16, 0xa1)], ['camera public key', key(0xa2)], ['provisioning proof', fill(64, 0xa4)]] },
  { code: 0xff, message: { type: 'error', code: 4, requestType: 0x04, message: 'no such object' },
    fields: [['code', u8(4)], ['request type', u8(4)], ['message', text('no such object'), 'text']] },
];

const bytesOf = (layout: Layout) => Uint8Array.of(layout.code, ...layout.fields.flatMap(([, bytes]) => [...bytes]));

describe('dock message layouts (docs/PROTOCOL.md section 3)', () => {
  it('every message type is the bytes of its table row, and reads back as itself', () => {
    for (const layout of layouts) {
      const expected = bytesOf(layout);
      assert.deepEqual(encodeDockMessage(layout.message), expected, layout.message.type);
      assert.deepEqual(decodeDockMessage(expected), layout.message, layout.message.type);
      assert.equal(messageTypeCode(layout.message.type), layout.code);
    }
    const types = new Set(layouts.map((l) => l.message.type));
    assert.equal(types.size, 19, 'every type but DATA, which has its own test');
  });

  it('a message cut where any field starts names that field and its offset', () => {
    assert.throws(() => decodeDockMessage(new Uint8Array(0)), { message: 'truncated: message type needs 1 bytes at offset 0, 0 left' });
    for (const layout of layouts) {
      const bytes = bytesOf(layout);
      let offset = 1;
      for (const [name, field, kind] of layout.fields) {
        // An optional last field (max data, the dock nonce echo) cut to nothing is a shorter message, not a cut one.
        const optional = (name === 'max data' && layout.code === 0x01) || name === 'dock nonce echo';
        if (kind !== 'rest' && !optional) {
          const [what, need] = kind === 'text' ? [`${name} length`, 1] : [name, field.length];
          assert.throws(() => decodeDockMessage(bytes.subarray(0, offset)), { message: `truncated: ${what} needs ${need} bytes at offset ${offset}, 0 left` },
            `${layout.message.type} cut before ${name}`);
        }
        if (optional && field.length > 1) {
          assert.throws(() => decodeDockMessage(bytes.subarray(0, offset + 1)), { message: `truncated: ${name} needs ${field.length} bytes at offset ${offset}, 1 left` });
        }
        offset += field.length;
      }
    }
  });

  it('a byte after the last field is refused, naming the message', () => {
    for (const layout of layouts.filter((l) => !l.fields.some(([, , kind]) => kind === 'rest'))) {
      const bytes = Uint8Array.of(...bytesOf(layout), 0);
      // A HELLO of 2026 followed by one byte is a cut max data; a HELLO-REPLY without an echo, a cut echo.
      if (layout.message.type === 'hello' && layout.message.maxData === undefined) continue;
      if (layout.message.type === 'hello-reply' && layout.message.dockNonce === undefined) continue;
      assert.throws(() => decodeDockMessage(bytes), { message: `${layout.message.type} message has 1 unexpected trailing bytes` });
    }
  });

  it('an unknown message type is named in two hex digits', () => {
    for (const [code, hex] of [[0x0b, '0b'], [0x42, '42'], [0x00, '00']] as const) {
      assert.throws(() => decodeDockMessage(Uint8Array.of(code)), { message: `unknown message type 0x${hex}` });
    }
  });

  it('max data is 4096 to 32768, offered and decoded', () => {
    const hello = layouts[0]!.message as Extract<DockMessage, { type: 'hello' }>;
    for (const maxData of [4096, 32768]) assert.deepEqual(decodeDockMessage(encodeDockMessage({ ...hello, maxData })), { ...hello, maxData });
    for (const maxData of [4095, 32769]) {
      const message = `max data must be 4096-32768 bytes, got ${maxData}`;
      assert.throws(() => encodeDockMessage({ ...hello, maxData }), { message });
      assert.throws(() => decodeDockMessage(Uint8Array.of(...bytesOf(layouts[0]!), ...u16(maxData))), { message });
    }
  });

  it('DATA is its 14-byte header and 1 to 32768 data bytes, with a 64-bit offset', () => {
    const data = Uint8Array.of(0x11, 0, 0x22);
    const expected = Uint8Array.of(0x84, 2, ...u32(7), ...u64(2 ** 40 + 4096), ...data);
    const message: DockMessage = { type: 'data', object: 2, sequence: 7, offset: 2 ** 40 + 4096, data };
    assert.deepEqual(encodeDockMessage(message), expected);
    assert.deepEqual(encodeData(2, 7, 2 ** 40 + 4096, data), expected);
    assert.deepEqual(decodeDockMessage(expected), message);
    for (const [cut, what, need] of [[1, 'object', 1], [2, 'sequence', 4], [6, 'offset', 8]] as const) {
      assert.throws(() => decodeDockMessage(expected.subarray(0, cut)), { message: `truncated: ${what} needs ${need} bytes at offset ${cut}, 0 left` });
    }
    for (const length of [1, 32768]) {
      assert.equal((decodeDockMessage(encodeData(1, 0, 0, fill(length, 5))) as Extract<DockMessage, { type: 'data' }>).data.length, length);
    }
    for (const length of [0, 32769]) {
      const message = `DATA carries 1-32768 bytes, got ${length}`;
      assert.throws(() => encodeData(1, 0, 0, fill(length, 5)), { message });
      assert.throws(() => decodeDockMessage(Uint8Array.of(...expected.subarray(0, 14), ...fill(length, 5))), { message });
    }
  });

  it('objects are 1 (chain.log) and 2 (a segment), and no other', () => {
    for (const object of [0, 3, 255]) {
      assert.throws(() => decodeDockMessage(Uint8Array.of(0x04, object, ...u32(0), ...u64(0), ...u32(0))), { message: `unknown object ${object} (1 chain.log, 2 segment)` });
      assert.throws(() => decodeDockMessage(Uint8Array.of(0x05, object, ...u32(0), ...u64(0))), { message: `unknown object ${object} (1 chain.log, 2 segment)` });
    }
  });

  it('a LIST-REPLY holds at most 80 entries, and its more flag is 0 or 1', () => {
    const reply = layouts[8]!.message as Extract<DockMessage, { type: 'list-reply' }>;
    const eighty = { ...reply, entries: Array.from({ length: 80 }, (_, i) => ({ ...entry, sequence: i })) };
    assert.deepEqual(decodeDockMessage(encodeDockMessage(eighty)), eighty);
    assert.throws(() => encodeDockMessage({ ...reply, entries: [...eighty.entries, entry] }), { message: 'LIST-REPLY holds at most 80 entries' });
    const header = Uint8Array.of(0x83, ...u64(40), ...u32(1));
    assert.throws(() => decodeDockMessage(Uint8Array.of(...header, 2, ...u16(0))), { message: 'LIST-REPLY more flag must be 0 or 1, got 2' });
    assert.throws(() => decodeDockMessage(Uint8Array.of(...header, 0, ...u16(81))), { message: 'LIST-REPLY count 81 exceeds 80' });
  });

  it('PROVISION enrols 1 to 16 docks', () => {
    const provision = layouts[19]!.message as Extract<DockMessage, { type: 'provision' }>;
    for (const count of [1, 16]) {
      const keys = Array.from({ length: count }, (_, i) => key(i));
      assert.deepEqual(decodeDockMessage(encodeDockMessage({ ...provision, dockPublicKeys: keys })), { ...provision, dockPublicKeys: keys });
    }
    for (const count of [0, 17]) {
      const message = `PROVISION enrols 1-16 docks, got ${count}`;
      assert.throws(() => encodeDockMessage({ ...provision, dockPublicKeys: Array.from({ length: count }, () => key(1)) }), { message });
      assert.throws(() => decodeDockMessage(Uint8Array.of(0x0a, ...key(0xf1), count, ...Array.from({ length: count }, () => [...key(1)]).flat())), { message });
    }
  });

  it('a BENCH argument and a BENCH-REPLY result are at most 255 bytes', () => {
    assert.equal((decodeDockMessage(encodeDockMessage({ type: 'bench', command: 1, argument: fill(255, 1) })) as Extract<DockMessage, { type: 'bench' }>).argument.length, 255);
    assert.throws(() => encodeDockMessage({ type: 'bench', command: 1, argument: fill(256, 1) }), { message: 'BENCH argument is at most 255 bytes, got 256' });
    assert.throws(() => encodeDockMessage({ type: 'bench-reply', command: 1, status: 0, result: fill(256, 1) }), { message: 'BENCH-REPLY result is at most 255 bytes, got 256' });
    assert.throws(() => decodeDockMessage(Uint8Array.of(0x08, 1, ...fill(256, 1))), { message: 'BENCH argument is at most 255 bytes, got 256' });
    assert.throws(() => decodeDockMessage(Uint8Array.of(0x88, 1, 0, ...fill(256, 1))), { message: 'BENCH-REPLY result is at most 255 bytes, got 256' });
    assert.equal((decodeDockMessage(Uint8Array.of(0x88, 1, 0, ...fill(255, 1))) as Extract<DockMessage, { type: 'bench-reply' }>).result.length, 255);
  });

  it('an ERROR message keeps 200 characters, and a longer one is cut to 200 and "…"', () => {
    const error = (message: string) => (decodeDockMessage(encodeDockMessage({ type: 'error', code: 1, requestType: 3, message })) as Extract<DockMessage, { type: 'error' }>).message;
    assert.equal(error('x'.repeat(200)), 'x'.repeat(200));
    assert.equal(error('x'.repeat(201)), `${'x'.repeat(200)}…`);
    assert.equal(error('y'.repeat(199)), 'y'.repeat(199));
  });

  it('the window is 8 frames up to 16 KB of data, fewer above (4 at 32 KB), never under 2', () => {
    assert.deepEqual([4096, 16384, 16385, 32768, 65536, 65537, 1 << 20].map(windowFor), [8, 8, 7, 4, 2, 2, 2]);
  });
});
