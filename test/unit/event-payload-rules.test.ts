// Event payloads as docs/FORMAT.md 6.2 defines them, read strictly: every code field takes the
// codes of its section 11 table and no other, on the way in and on the way out; the notice
// mask takes its three bits; an unknown event type, a cut payload and trailing bytes are each
// refused with the message that names the event and field. Written for the mutants that survived
// the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { concatBytes } from '../../firmware/format/bytes.js';
import {
  EVENT_SCHEMAS, decodeEventPayload, encodeEventPayload, schemaForType, type ChainEvent, type ChainEventType, type FieldKind,
} from '../../firmware/format/chain-events.js';

const d32 = (fill: number) => new Uint8Array(32).fill(fill);

/** One valid event of each type that carries a code or a mask. */
const coded: ChainEvent[] = [
  { type: 'power-on', resetReason: 1, firmwareVersion: '1.0.0' },
  { type: 'recording-start', recording: 5, legalGround: 2, startMode: 1 },
  { type: 'recording-stop', recording: 5, stopReason: 1 },
  { type: 'ground-change', recording: 5, fromGround: 0, toGround: 4, reason: 'confirmed' },
  { type: 'notice-failure', recording: 5, failedIndicators: 0b010, noticeReason: 1, text: 'buzzer silent' },
  { type: 'dock-session', phase: 1, dockId: new Uint8Array(16).fill(9) },
  { type: 'clock-set', previousTime: 1000, newTime: 2000, source: 1 },
  { type: 'segment-lost', recording: 5, segmentIndex: 2, lossReason: 1 },
  { type: 'storage-card', condition: 1, freeBytes: 10, totalBytes: 20 },
];

const SIZE: Partial<Record<FieldKind, number>> = { u8: 1, u32: 4, u64: 8, bytes16: 16, bytes32: 32 };

/** Byte offset of a field in a payload (code fields all come before any text or blob). */
function offsetOf(type: ChainEventType, name: string): number {
  let offset = 0;
  for (const field of schemaForType(type).fields) {
    if (field.name === name) return offset;
    offset += SIZE[field.kind]!;
  }
  throw new Error(`${type} has no field ${name}`);
}

describe('event payload rules (docs/FORMAT.md 6.2)', () => {
  it('every code field accepts each code of its table and refuses the first code outside it, encoding and decoding', () => {
    let fields = 0;
    for (const event of coded) {
      for (const field of schemaForType(event.type).fields.filter((f) => f.codes)) {
        fields++;
        for (const code of Object.keys(field.codes!).map(Number)) {
          const valid = { ...event, [field.name]: code } as ChainEvent;
          assert.deepEqual(decodeEventPayload(schemaForType(event.type).code, encodeEventPayload(valid)), valid);
        }
        let unknown = 0;
        while (Object.prototype.hasOwnProperty.call(field.codes, unknown)) unknown++;
        const message = `${event.type} ${field.name}: invalid code ${unknown}`;
        assert.throws(() => encodeEventPayload({ ...event, [field.name]: unknown } as ChainEvent), { message });
        const payload = encodeEventPayload(event);
        payload[offsetOf(event.type, field.name)] = unknown;
        assert.throws(() => decodeEventPayload(schemaForType(event.type).code, payload), { message });
      }
    }
    assert.equal(fields, 11);
  });

  it('a ground changes from any ground, the unconfirmed 0 included, but only to a ground 1-9', () => {
    const change = coded[3] as Extract<ChainEvent, { type: 'ground-change' }>;
    assert.throws(() => encodeEventPayload({ ...change, toGround: 0 }), { message: 'ground-change toGround: invalid code 0' });
    assert.throws(() => encodeEventPayload({ ...change, toGround: 10 }), { message: 'ground-change toGround: invalid code 10' });
    for (const toGround of [1, 9]) assert.equal(decodeEventPayload(4, encodeEventPayload({ ...change, toGround })).type, 'ground-change');
    assert.deepEqual(Object.keys(schemaForType('ground-change').fields[2]!.codes!).map(Number), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('failed indicators take the three notice bits and no other', () => {
    const failure = coded[4] as Extract<ChainEvent, { type: 'notice-failure' }>;
    for (const bad of [0b1000, 0b1111, 0x80]) {
      const message = `notice-failure failedIndicators: invalid bits in mask ${bad}`;
      assert.throws(() => encodeEventPayload({ ...failure, failedIndicators: bad }), { message });
      const payload = encodeEventPayload(failure);
      payload[4] = bad;
      assert.throws(() => decodeEventPayload(5, payload), { message });
    }
    assert.equal((decodeEventPayload(5, encodeEventPayload({ ...failure, failedIndicators: 0b111 })) as typeof failure).failedIndicators, 0b111);
  });

  it('an unknown event type is refused by name and by code', () => {
    assert.throws(() => schemaForType('photo' as ChainEventType), { message: 'unknown event type "photo"' });
    for (const code of [0, 14, 0xffff]) {
      assert.throws(() => decodeEventPayload(code, new Uint8Array(0)), { message: `unknown event type code ${code}` });
    }
    assert.deepEqual(EVENT_SCHEMAS.map((s) => s.code), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('a cut payload names the event and the field it stops in; trailing bytes name the event', () => {
    const stop = encodeEventPayload(coded[2]!);
    assert.throws(() => decodeEventPayload(3, stop.subarray(0, 4)), { message: 'truncated: recording-stop stopReason needs 1 bytes at offset 4, 0 left' });
    assert.throws(() => decodeEventPayload(3, concatBytes(stop, Uint8Array.of(0))), { message: 'recording-stop payload has 1 unexpected trailing bytes' });

    const config = encodeEventPayload({ type: 'config-change', configDigest: d32(1), configuration: Uint8Array.of(1, 2, 3), summary: 'profile x' });
    assert.throws(() => decodeEventPayload(13, config.subarray(0, 33)),
      { message: 'truncated: config-change configuration length needs 2 bytes at offset 32, 1 left' });
    assert.throws(() => decodeEventPayload(13, config.subarray(0, 36)),
      { message: 'truncated: config-change configuration needs 3 bytes at offset 34, 2 left' });
    assert.deepEqual(decodeEventPayload(13, config), { type: 'config-change', configDigest: d32(1), configuration: Uint8Array.of(1, 2, 3), summary: 'profile x' });
  });
});
