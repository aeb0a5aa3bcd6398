// Does the chain a camera offers extend the one the store holds? (host-tools/dock/chain-continuity.ts,
// docs/STORE.md section 5.) Real chains from the firmware's chain writer (HostCamera): a camera
// rolled back to an older flash image, one that recorded otherwise after it (a fork), longer and
// shorter, and one that simply went on. Each finding names the records and heads exactly.
import assert from 'node:assert/strict';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { compareChains, heldChain } from '../../host-tools/dock/chain-continuity.js';
import { HostCamera } from '../support/host-camera.js';

const records = (chain: Uint8Array) => readChainLog(chain).frames.length;
const head = (chain: Uint8Array) => readChainLog(chain).frames.at(-1)!.storedLink;

describe('chain continuity, as the dock compares', () => {
  it('holds the chain\'s bytes and its frames', () => {
    const camera = HostCamera.create();
    const held = heldChain(camera.evidence.chain);
    assert.equal(held.bytes, camera.evidence.chain);
    assert.deepEqual(held.frames, readChainLog(camera.evidence.chain).frames);
  });

  it('a chain that goes on from the held one, or is the held one, is no discontinuity', () => {
    const camera = HostCamera.create();
    camera.record(1, [500]);
    const held = heldChain(camera.evidence.chain.slice());
    assert.equal(compareChains(camera.id, held, camera.evidence.chain), undefined);
    camera.record(2, [500]);
    assert.equal(compareChains(camera.id, held, camera.evidence.chain), undefined);
  });

  it('a rollback: records the store held are gone and only boot and docking records follow', () => {
    const camera = HostCamera.create();
    const image = camera.image();
    const kept = records(image.chain);
    camera.record(1, [500]);
    const held = heldChain(camera.evidence.chain.slice());
    const heldRecords = records(held.bytes);
    // Put back as it was: nothing added.
    const bare = image.chain;
    const found = compareChains(camera.id, held, bare)!;
    assert.deepEqual({ ...found, text: '' }, {
      kind: 'rollback', heldRecords, heldHead: head(held.bytes), offeredRecords: kept, offeredHead: head(bare), divergence: kept, text: '',
    });
    assert.equal(found.text, `camera ${camera.id} was rolled back: its chain agrees with the ${heldRecords} records the store holds only up to record #${kept - 1}; ` +
      `records #${kept}..#${heldRecords - 1}, which it had signed and the dock had stored, are gone from it`);
    // Booted (power-on, checkpoint) and set by a dock (clock-set, dock-session): still a rollback, saying so.
    const restored = camera.restored(image);
    restored.event({ type: 'clock-set', previousTime: 1, newTime: 2, source: 1 });
    restored.event({ type: 'dock-session', phase: 1, dockId: new Uint8Array(16) });
    const booted = restored.evidence.chain;
    const after = compareChains(camera.id, held, booted)!;
    assert.equal(after.kind, 'rollback');
    assert.equal(after.offeredRecords, records(booted));
    assert.deepEqual(after.offeredHead, head(booted));
    assert.ok(after.text.endsWith(`are gone from it (it has since added ${records(booted) - kept} boot and docking records)`), after.text);
  });

  it('a rollback past recordings the store also holds is still a rollback: only the records after the common ones are looked at', () => {
    const camera = HostCamera.create();
    camera.record(1, [500]);
    const image = camera.image();
    camera.record(2, [500]);
    const held = heldChain(camera.evidence.chain.slice());
    const found = compareChains(camera.id, held, camera.restored(image).evidence.chain)!;
    assert.deepEqual([found.kind, found.divergence], ['rollback', records(image.chain)]);
  });

  it('a frame is the same only when both its body and its stored link are', () => {
    const camera = HostCamera.create();
    camera.record(1, [500]);
    const held = heldChain(camera.evidence.chain.slice());
    const frames = readChainLog(held.bytes).frames;
    const at = 3;
    // The frame's record changed, its stored link copied (the reader does not check links); then its link changed, its record kept.
    const frame = frames[at]!;
    const start = frames.slice(0, at).reduce((n, f) => n + 4 + f.body.length + 32, 8);
    for (const offset of [4 + 2, 4 + frame.body.length + 5]) {
      const offered = held.bytes.slice();
      offered[start + offset]! ^= 1;
      const found = compareChains(camera.id, held, offered);
      assert.deepEqual([found?.kind, found?.divergence], ['fork', at], `byte ${offset} of frame #${at}`);
    }
  });

  it('a fork: the camera recorded otherwise after the common records; longer, shorter or as long', () => {
    const camera = HostCamera.create();
    const image = camera.image();
    const common = records(image.chain);
    camera.record(1, [500, 500]);
    const held = heldChain(camera.evidence.chain.slice());
    const heldRecords = records(held.bytes);
    const text = (offered: number, tail: string) => `camera ${camera.id} offers a forked chain: ${offered} records that agree with the ${heldRecords} the store holds up to record #${common - 1} and differ from record #${common} on${tail}`;

    const shorter = camera.restored(image);
    shorter.event({ type: 'recording-stop', recording: 9, stopReason: 1 });
    const s = compareChains(camera.id, held, shorter.evidence.chain)!;
    assert.deepEqual([s.kind, s.divergence, s.offeredRecords, s.heldRecords], ['fork', common, records(shorter.evidence.chain), heldRecords]);
    assert.deepEqual(s.offeredHead, head(shorter.evidence.chain));
    assert.deepEqual(s.heldHead, head(held.bytes));
    assert.equal(s.text, text(records(shorter.evidence.chain), ' (a shorter fork)'));

    const longer = camera.restored(image);
    longer.record(2, [500, 500, 500]);
    assert.equal(compareChains(camera.id, held, longer.evidence.chain)!.text, text(records(longer.evidence.chain), ' (a longer fork)'));

    // As many records as held: pad a shorter fork with checkpoints until it is as long.
    const even = camera.restored(image);
    even.event({ type: 'recording-stop', recording: 9, stopReason: 1 });
    while (records(even.evidence.chain) < heldRecords) even.evidence.checkpoint();
    assert.equal(records(even.evidence.chain), heldRecords);
    assert.equal(compareChains(camera.id, held, even.evidence.chain)!.text, text(heldRecords, ''));
  });

  it('an offered chain with no records, or one that is not a chain, differs from record #0 on', () => {
    const camera = HostCamera.create();
    camera.record(1, [500]);
    const held = heldChain(camera.evidence.chain.slice());
    const none = compareChains(camera.id, held, new Uint8Array(0))!;
    assert.deepEqual([none.kind, none.divergence, none.offeredRecords], ['rollback', 0, 0]);
    assert.deepEqual(none.offeredHead, new Uint8Array(32), 'no head: all zero');
    // A frame whose body is no record is not a boot or docking record: a fork.
    const junk = camera.evidence.chain.slice(0, 8);
    const frame = new Uint8Array(4 + 20 + 32);
    new DataView(frame.buffer).setUint32(0, 20);
    frame.fill(0xee, 4, 24);
    const garbage = new Uint8Array([...junk, ...frame]);
    const forked = compareChains(camera.id, held, garbage);
    assert.equal(readChainLog(garbage).frames.length, 1, 'one frame, as the reader delimits it');
    assert.equal(forked?.kind, 'fork');
  });
});
