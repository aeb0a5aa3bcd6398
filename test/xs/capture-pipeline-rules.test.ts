// The capture pipeline's rules one by one, in XS on the simulated board with its real store:
// the pre-event ring and its silence, the camera and microphone on only while they should be,
// a sensor slower than the frame rate, the default segment length, the reserve kept free and
// its exact edge, the low-space warning and its exact edge, and each way sealing can fail (a
// write, a full card, a card gone before a segment opens, at its close, at its commit). What
// is checked is what a user of the evidence sees: the chain, the decrypted AVI, what the
// pipeline told the recorder (docs/ARCHITECTURE.md "Capture").
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agencyKeyId } from '../../firmware/format/sealed-segment.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { readAviSegment, type AviSegmentFile } from '../../host-tools/export/avi-segment-file.js';
import { decryptSegmentFile } from '../../host-tools/export/segment-decryption.js';
import type { BootOptions, SimulatedBoard } from '../../host-tools/sim/board.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { AUDIO_CHUNK, VIDEO_CHUNK } from '../../firmware/capture/avi-layout.js';
import { KEYS, bootCapture, chainRecords, eventsOf, provision, segmentRecordsOf } from './capture-support.js';

const FIXTURE = 'test/fixtures/firmware/capture-pipeline-rules';
const EPOCH = Date.UTC(2026, 0, 1); // the simulated RTC at power-on
const port = new NodeCryptoPort();

type Report = [what: string, detail: unknown, at: number];
/** freeBytes is null when the volume cannot say (a card that is gone). */
interface State { kept: number; refused: number; preEventFrames: number; freeBytes: number | null; reports: Report[]; now: number }

describe('capture pipeline rules (XS)', function () {
  let dir: string;
  let flash: string;
  let cardDir: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-pipeline-rules-'));
    flash = path.join(dir, 'flash');
    cardDir = path.join(dir, 'card');
    provision(flash);
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Boots the fixture and builds its pipeline with exactly `pipeline`'s options. */
  async function boot(pipeline: Record<string, unknown>, options: Partial<BootOptions> = {}): Promise<SimulatedBoard> {
    board = await bootCapture(flash, {}, { main: FIXTURE, ...options });
    assert.equal(await board.command('setup', pipeline), 'ok');
    return board;
  }
  const state = async () => (await board!.command('state')) as State;
  const begin = async () => (await board!.command('begin', {})) as { recording: number; at: number };
  const reportsOf = (s: State, what: string) => s.reports.filter((r) => r[0] === what).map((r) => r[1]);
  const volume = () => (board?.sdCard ? path.join(cardDir, 'volume') : flash);
  /** A sealed segment decrypted with the agency key and read as an AVI. */
  function avi(recording: number, segmentIndex: number): AviSegmentFile {
    const name = `r${String(recording).padStart(6, '0')}-s${String(segmentIndex).padStart(4, '0')}`;
    const agency = { ...KEYS.agency, keyId: agencyKeyId(port, KEYS.agency.publicKey) };
    const out = path.join(dir, `plain-${name}`);
    const { file } = decryptSegmentFile(port, agency, path.join(volume(), 'segments', `${name}.seg`), out);
    return readAviSegment(file);
  }

  describe('the pre-event ring, the camera and the microphone', () => {
    it('with 1 s of pre-event at 3 fps: the camera runs before any recording, the ring keeps the last 3 frames, and the first segment starts with them, each with one frame of silence', async () => {
      await boot({ fps: 3, segmentSeconds: 10, preEventSeconds: 1, microphone: true }); // the microphone's default rate: 8000 Hz
      assert.equal(board!.camera.running, true, 'the camera runs for the ring');
      assert.equal(board!.microphone.running, false, 'the ring is video only: the microphone is off');
      await board!.advance(3000);
      assert.equal((await state()).preEventFrames, 3, '1 s at 3 fps');
      const { recording, at } = await begin();
      assert.equal((await state()).preEventFrames, 0, 'the ring was handed to the recording');
      assert.equal(board!.microphone.running, true);
      await board!.advance(2000);
      const during = await state();
      assert.equal(during.kept, 6, 'one timer: 3 frames a second, not 6');
      await board!.command('end', { recording });
      assert.equal(board!.camera.running, true, 'the camera keeps running for the ring after the recording');
      assert.equal(board!.microphone.running, false, 'the microphone stops with the recording');
      await board!.command('stop', { recording });
      await board!.advance(1500);
      assert.equal((await state()).preEventFrames, 3, 'the ring fills again');
      assert.equal((await state()).kept, 6, 'nothing kept after the end');
      const [segment] = segmentRecordsOf(flash);
      assert.ok(segment);
      const firstFrame = segment.startTime - EPOCH;
      assert.ok(firstFrame < at - EPOCH && firstFrame >= at - EPOCH - 1000, `the segment starts with the ring's oldest frame (${firstFrame} ms, begin at ${at - EPOCH} ms)`);
      const media = avi(recording, 0);
      assert.equal(media.frames, 9, '3 buffered frames and 6 live ones');
      assert.equal(media.streams.sampleRate, 8000);
      // 8000 samples/s × 2 bytes / 3 fps = 5333.3: rounded to 5333 bytes, then to whole samples.
      const firstSix = media.chunks.slice(0, 6).map((c) => [c.id, c.length]);
      assert.deepEqual(firstSix.filter((_, i) => i % 2 === 1), [[AUDIO_CHUNK, 5332], [AUDIO_CHUNK, 5332], [AUDIO_CHUNK, 5332]], 'one frame of silence after each buffered frame');
      assert.ok(firstSix.filter((_, i) => i % 2 === 0).every(([id]) => id === VIDEO_CHUNK));
      assert.ok(verifyEvidence(flash, { port }).report.ok);
    });

    it('without pre-event: the camera and microphone run only during a recording, a second recording runs again, and ending another recording changes nothing', async () => {
      await boot({ fps: 5, segmentSeconds: 10, microphone: true });
      await board!.advance(1000);
      assert.equal(board!.camera.running, false);
      assert.equal(board!.camera.framesRead, 0);
      const first = await begin();
      assert.equal(board!.camera.running, true);
      await board!.advance(1000);
      await board!.command('end', { recording: first.recording + 1 });
      await board!.advance(1000);
      assert.equal((await state()).kept, 10, 'the end of another recording did not end this one');
      await board!.command('end', { recording: first.recording });
      await board!.command('stop', { recording: first.recording });
      assert.equal(board!.camera.running, false, 'the camera stops with the recording');
      assert.equal(board!.microphone.running, false);
      await board!.advance(1000);
      assert.equal((await state()).kept, 10);
      assert.equal((await state()).preEventFrames, 0);
      const second = await begin();
      assert.equal(board!.camera.running, true, 'the second recording starts the camera again');
      await board!.advance(1000);
      await board!.command('end', { recording: second.recording });
      await board!.command('stop', { recording: second.recording });
      assert.equal((await state()).kept, 15, 'the second recording kept its 5 frames');
      assert.deepEqual(segmentRecordsOf(flash).map((s) => [s.recording, s.segmentIndex]), [[first.recording, 0], [second.recording, 0]]);
      assert.deepEqual(segmentRecordsOf(flash).map((s) => [s.legalGround, s.noticeIndicators, s.noticeReason, s.noticeText]), [[1, 7, 0, ''], [1, 7, 0, '']],
        "each segment carries its recording's ground and its token's notice: every channel on, no reason, no text");
      assert.deepEqual((await state()).reports, [], 'no error, no warning');
      assert.equal(avi(first.recording, 0).frames, 10);
      assert.ok(verifyEvidence(flash, { port }).report.ok);
    });

    it('without a microphone the AVI still declares an 8000 Hz audio stream and holds no audio chunk', async () => {
      await boot({ fps: 5, segmentSeconds: 10 });
      const { recording } = await begin();
      await board!.advance(1000);
      await board!.command('end', { recording });
      const media = avi(recording, 0);
      assert.equal(media.frames, 5);
      assert.equal(media.streams.sampleRate, 8000);
      assert.equal(media.audioBytes, 0);
    });

    it('a sensor slower than the frame rate: only the frames it delivered are kept, none empty', async () => {
      await boot({ fps: 5, segmentSeconds: 10 }, { camera: { sensorFps: 2 } });
      const { recording } = await begin();
      await board!.advance(3000);
      await board!.command('end', { recording });
      const { kept } = await state();
      assert.equal(kept, board!.camera.framesRead, 'every frame read was kept, and nothing else');
      assert.ok(kept >= 5 && kept <= 7, `about 2 frames a second (${kept})`);
      const media = avi(recording, 0);
      assert.equal(media.frames, kept);
      assert.ok(media.chunks.every((c) => c.length > 0), 'no empty frame');
    });

    it('a recording ended before its first frame stores nothing and reports nothing', async () => {
      await boot({ fps: 5, segmentSeconds: 10 });
      const { recording } = await begin();
      await board!.command('end', { recording });
      await board!.advance(1000);
      assert.deepEqual(await state().then((s) => [s.kept, s.reports]), [0, []]);
      assert.deepEqual(segmentRecordsOf(flash), []);
    });
  });

  describe('the microphone (firmware/capture/microphone-input.ts)', () => {
    it('the board takes LPCM audio only, as the ESP32 audioin does', async () => {
      await boot({ fps: 5 });
      assert.equal(await board!.command('audio-type', { audioType: 'LPCM' }), 'accepted');
      assert.equal(await board!.command('audio-type', { audioType: 'ADPCM' }), 'RangeError: invalid audioType');
    });

    it('at 20 fps, faster than the I2S buffers fill (every 100 ms): every sample is kept once, in whole samples, at the default 8000 Hz', async () => {
      await boot({ fps: 20, segmentSeconds: 10, microphone: true });
      const { recording } = await begin();
      await board!.advance(3000);
      await board!.command('end', { recording });
      assert.deepEqual((await state()).reports, []);
      const media = avi(recording, 0);
      assert.equal(media.streams.sampleRate, 8000);
      assert.equal(media.frames, 60);
      const audio = media.chunks.filter((c) => c.id === AUDIO_CHUNK);
      assert.ok(audio.length >= 25 && audio.length <= 31, `one chunk per filled buffer, none empty: ${audio.length}`);
      assert.ok(audio.every((c) => c.length > 0 && c.length % 2 === 0));
      // The buffers announced at 3000 ms come before the frame at 3000 ms: 3 s of 8000 16-bit samples.
      assert.equal(media.audioBytes, 3000 * 16, 'each sample taken once: none twice, none dropped');
    });
  });

  describe('segment length', () => {
    it('left out, a segment is 10 s: 20 frames at 2 fps', async () => {
      await boot({ fps: 2 });
      const { recording } = await begin();
      await board!.advance(11_000);
      await board!.command('end', { recording });
      assert.deepEqual(segmentRecordsOf(flash).map((s) => avi(recording, s.segmentIndex).frames), [20, 2]);
    });

    it('shorter than one frame, a segment holds one frame', async () => {
      await boot({ fps: 2, segmentSeconds: 0.1 });
      const { recording } = await begin();
      await board!.advance(1500);
      await board!.command('end', { recording });
      assert.deepEqual(segmentRecordsOf(flash).map((s) => avi(recording, s.segmentIndex).frames), [1, 1, 1]);
    });
  });

  describe('the reserve and the low-space warning', () => {
    /** Bytes of an AVI of `frames` video chunks of `frameBytes` (even) and no audio: header, movi, idx1. */
    const aviBytes = (frames: number, frameBytes: number) => 326 + frames * (8 + frameBytes) + 8 + 16 * frames;
    const small = { storage: { capacityBytes: 400_000 }, camera: { frameBytes: 10_000 } };

    it('left out, the reserve is 256 KiB: the recording stops for space (not failure) with 256 KiB less one frame free, nothing lost', async () => {
      await boot({ fps: 5, segmentSeconds: 10, lowSpaceBytes: 1 }, small);
      const { recording } = await begin();
      await board!.advance(5000);
      const s = await state();
      assert.deepEqual(reportsOf(s, 'storage-full'), [false], 'asked once to stop, for space');
      assert.deepEqual(reportsOf(s, 'error'), []);
      const reserve = 256 * 1024;
      const free = s.freeBytes!;
      assert.ok(free < reserve && free > reserve - 10_024 - 4096, `${free} bytes left free`);
      await board!.advance(1000);
      assert.equal((await state()).kept, s.kept, 'no frame kept once stopping');
      await board!.command('end', { recording });
      await board!.command('stop', { recording });
      const records = chainRecords(flash);
      assert.deepEqual(eventsOf(records, 'segment-lost'), []);
      assert.deepEqual(segmentRecordsOf(flash).map((r) => avi(recording, r.segmentIndex).frames), [s.kept], 'the frames kept, in one sealed segment');
      assert.ok(verifyEvidence(flash, { port }).report.ok);
    });

    it('the reserve\'s edge: a frame that leaves exactly the reserve free is kept, the next one is the last', async () => {
      // The free space when the first segment opens: the same on a fresh flash every time.
      await boot({ fps: 5, segmentSeconds: 10, reserveBytes: 1 }, small);
      await begin();
      const freeAtOpen = (await state()).freeBytes!;
      await board!.close();
      fs.rmSync(flash, { recursive: true, force: true });
      provision(flash);
      await boot({ fps: 5, segmentSeconds: 10, reserveBytes: freeAtOpen - aviBytes(3, 10_000) }, small);
      const { recording } = await begin();
      assert.equal((await state()).freeBytes, freeAtOpen);
      await board!.advance(3000);
      const s = await state();
      assert.equal(s.kept, 4, 'three frames fill the segment to the reserve exactly; the fourth goes past it and is the last');
      assert.deepEqual(reportsOf(s, 'storage-full'), [false]);
      await board!.command('end', { recording });
      assert.equal(avi(recording, 0).frames, 4);
      // One byte more reserve: the third frame, index entries counted, already reaches into it.
      await board!.close();
      fs.rmSync(flash, { recursive: true, force: true });
      provision(flash);
      await boot({ fps: 5, segmentSeconds: 10, reserveBytes: freeAtOpen - aviBytes(3, 10_000) + 1 }, small);
      await begin();
      await board!.advance(3000);
      assert.equal((await state()).kept, 3);
    });

    it('left out, the warning is below 8 MiB: every commit on a 400 kB flash warns with the free space', async () => {
      await boot({ fps: 5, segmentSeconds: 1, reserveBytes: 1 }, { storage: { capacityBytes: 400_000 } });
      const { recording } = await begin();
      await board!.advance(2300);
      const s = await state();
      const warnings = reportsOf(s, 'low-space') as number[];
      assert.equal(warnings.length, 2, 'one warning per commit');
      assert.ok(warnings[0]! > warnings[1]! && warnings[1]! > 0, `free space falling: ${warnings.join(', ')}`);
      await board!.command('end', { recording });
      assert.equal(reportsOf(await state(), 'low-space').length, 3);
      assert.equal((reportsOf(await state(), 'low-space') as number[])[2], (await state()).freeBytes, 'the free space after the last commit');
    });

    it('the warning\'s edge: exactly the threshold free does not warn, one byte less does', async () => {
      await boot({ fps: 5, segmentSeconds: 1, lowSpaceBytes: 1 << 30 }, { storage: { capacityBytes: 400_000 } });
      await begin();
      await board!.advance(1100);
      const [freeAfterCommit] = reportsOf(await state(), 'low-space') as number[];
      assert.ok(freeAfterCommit !== undefined && freeAfterCommit > 0);
      for (const [threshold, warned] of [[freeAfterCommit, []], [freeAfterCommit + 1, [freeAfterCommit]]] as const) {
        await board!.close();
        fs.rmSync(flash, { recursive: true, force: true });
        provision(flash);
        await boot({ fps: 5, segmentSeconds: 1, lowSpaceBytes: threshold }, { storage: { capacityBytes: 400_000 } });
        await begin();
        await board!.advance(1100);
        assert.deepEqual(reportsOf(await state(), 'low-space'), warned, `threshold ${threshold}`);
      }
    });

    it('with no one to warn, low space and storage full are not faults', async () => {
      await boot({ fps: 5, segmentSeconds: 1, quiet: true }, small);
      const { recording } = await begin();
      await board!.advance(5000);
      board!.throwIfFaulted();
      assert.deepEqual(reportsOf(await state(), 'storage-full'), [false]);
      await board!.command('end', { recording });
      board!.throwIfFaulted();
    });
  });

  describe('errors while sealing (on the SD card)', () => {
    const card = (more: Record<string, unknown> = {}) => ({ sdCard: { dir: cardDir, capacityBytes: 32e9, ...more } });
    const lostOf = () => eventsOf(chainRecords(flash), 'segment-lost').map((e) => [e.recording, e.segmentIndex, e.lossReason]);
    const cardConditions = () => eventsOf(chainRecords(flash), 'storage-card').map((e) => e.condition);
    const LOSS = { writeError: 2, storageFull: 3, cardRemoved: 4 };

    for (const quiet of [false, true]) {
      it(`a write that fails mid-segment: the segment's loss is on the record, the error says so, the recording is asked once to stop as failed${quiet ? ' (with no error listener: no fault)' : ''}`, async () => {
        await boot({ fps: 5, segmentSeconds: 10, quiet }, { camera: { frameBytes: 20_000 }, ...card() });
        const { recording } = await begin();
        await board!.advance(1000);
        assert.equal((await state()).kept, 5);
        board!.sdCard!.failAtWrite = board!.sdCard!.writes + 1; // every frame flushes: the sixth frame's write fails
        await board!.advance(2000);
        const s = await state();
        assert.equal(s.kept, 5, 'the frame whose write failed, and every frame after it, are not kept');
        assert.deepEqual(reportsOf(s, 'storage-full'), [true]);
        assert.deepEqual(reportsOf(s, 'error'), quiet ? [] : [`segment 0 of recording ${recording} could not be stored (SD card write failed (I/O error: the card did not accept the data)); its loss is on the record`]);
        assert.deepEqual(lostOf(), [[recording, 0, LOSS.writeError]]);
        assert.deepEqual(cardConditions(), [1, 4], 'the card is failing, on the chain');
        await board!.command('end', { recording });
        board!.throwIfFaulted();
        assert.deepEqual((await state()).reports.map((r) => r[0]), quiet ? ['storage-full'] : ['error', 'storage-full'], 'the end reports nothing more');
        assert.deepEqual(segmentRecordsOf(flash), []);
      });
    }

    it('a card that fills before the reserve stops it: the loss is "storage full", and the stop is for space, not failure', async () => {
      await boot({ fps: 5, segmentSeconds: 10, reserveBytes: 1 }, { camera: { frameBytes: 20_000 }, ...card({ capacityBytes: 400_000, clusterBytes: 4096 }) });
      const { recording } = await begin();
      await board!.advance(10_000);
      const s = await state();
      assert.deepEqual(reportsOf(s, 'storage-full'), [false]);
      assert.equal(reportsOf(s, 'error').length, 1);
      assert.match(String(reportsOf(s, 'error')[0]), new RegExp(`^segment 0 of recording ${recording} could not be stored \\(SD card full: .*\\); its loss is on the record$`));
      assert.deepEqual(lostOf(), [[recording, 0, LOSS.storageFull]]);
      assert.deepEqual(cardConditions(), [1, 5]);
    });

    for (const preEventSeconds of [0, 1]) {
      it(`a card gone before the next recording's first segment opens${preEventSeconds ? ', with pre-event frames to put in it' : ''}: one error, one failed stop, nothing kept, the loss on the record`, async () => {
        await boot({ fps: 5, segmentSeconds: 10, preEventSeconds }, card());
        const first = await begin();
        await board!.advance(1000);
        await board!.command('end', { recording: first.recording });
        await board!.command('stop', { recording: first.recording });
        await board!.advance(1000);
        const kept = (await state()).kept;
        board!.sdCard!.pulled = true;
        const { recording } = await begin();
        await board!.advance(1000);
        const s = await state();
        assert.equal(s.kept, kept, 'nothing kept');
        assert.deepEqual(s.reports.map((r) => [r[0], r[1]]), [
          ['error', `segment 0 of recording ${recording} could not be stored (SD card removed: the card is not in the slot); its loss is on the record`],
          ['storage-full', true],
        ]);
        assert.deepEqual(lostOf(), [[recording, 0, LOSS.cardRemoved]]);
        await board!.command('end', { recording });
        board!.throwIfFaulted();
        assert.equal((await state()).reports.length, 2, 'the end reports nothing more');
        assert.deepEqual(segmentRecordsOf(flash).map((r) => r.recording), [first.recording]);
      });
    }

    it('a card gone when a long segment closes (its index spilled to the card): the segment is lost on the record, the stop is a failure', async () => {
      // 10 fps with audio: 20 chunks a second, so the 256-entry index buffer spills in 13 s.
      await boot({ fps: 10, segmentSeconds: 30, microphone: true }, card());
      const { recording } = await begin();
      await board!.advance(14_000);
      board!.sdCard!.pulled = true;
      await board!.command('end', { recording });
      await board!.advance(100);
      const s = await state();
      assert.deepEqual(s.reports.map((r) => [r[0], r[1]]), [
        ['error', `segment 0 of recording ${recording} could not be stored (SD card removed: the card is not in the slot); its loss is on the record`],
        ['storage-full', true],
      ]);
      assert.deepEqual(lostOf(), [[recording, 0, LOSS.cardRemoved]]);
      assert.deepEqual(cardConditions(), [1, 6]);
      assert.deepEqual(segmentRecordsOf(flash), []);
    });

    it('a commit that fails when the reserve closes the segment: one failed stop, not a second for space', async () => {
      const options = { fps: 5, segmentSeconds: 10, reserveBytes: 150_000 };
      const boards = { camera: { frameBytes: 20_000 }, ...card({ capacityBytes: 400_000, clusterBytes: 4096 }) };
      // The card write that finishes the segment the reserve closed: the last write of the same run without the fault.
      await boot(options, boards);
      await begin();
      await board!.advance(10_000);
      assert.deepEqual(reportsOf(await state(), 'storage-full'), [false]);
      const lastWrite = board!.sdCard!.writes;
      await board!.close();
      for (const d of [flash, cardDir]) fs.rmSync(d, { recursive: true, force: true });
      provision(flash);
      await boot(options, boards);
      board!.sdCard!.failAtWrite = lastWrite;
      const { recording } = await begin();
      await board!.advance(10_000);
      const s = await state();
      assert.deepEqual(s.reports.map((r) => [r[0], r[1]]), [
        ['error', `segment 0 of recording ${recording} could not be stored (SD card write failed (I/O error: the card did not accept the data)); its loss is on the record`],
        ['storage-full', true],
      ]);
      assert.deepEqual(lostOf(), [[recording, 0, LOSS.writeError]]);
      // The same with no error listener: no fault.
      await board!.close();
      for (const d of [flash, cardDir]) fs.rmSync(d, { recursive: true, force: true });
      provision(flash);
      await boot({ ...options, quiet: true }, boards);
      board!.sdCard!.failAtWrite = lastWrite;
      await begin();
      await board!.advance(10_000);
      board!.throwIfFaulted();
      assert.deepEqual(reportsOf(await state(), 'storage-full'), [true]);
    });

    it('a write that fails while the pre-event frames go into the first segment: its loss is on the record and nothing is kept', async () => {
      await boot({ fps: 5, segmentSeconds: 10, preEventSeconds: 1 }, { camera: { frameBytes: 20_000 }, ...card() });
      await board!.advance(2000);
      assert.equal((await state()).preEventFrames, 5);
      board!.sdCard!.failAtWrite = board!.sdCard!.writes + 1; // the first buffered frame's write
      const { recording, at } = await begin();
      await board!.advance(1000);
      const s = await state();
      assert.equal(s.kept, 0);
      assert.equal(s.reports[0]?.[2], at, 'reported at the begin, not left to the next live frame to find');
      assert.deepEqual(s.reports.map((r) => [r[0], r[1]]), [
        ['error', `segment 0 of recording ${recording} could not be stored (SD card write failed (I/O error: the card did not accept the data)); its loss is on the record`],
        ['storage-full', true],
      ]);
      assert.deepEqual(lostOf(), [[recording, 0, LOSS.writeError]]);
      await board!.command('end', { recording });
      assert.deepEqual(segmentRecordsOf(flash), []);
    });
  });

  describe('the open segment (firmware/capture/open-segment.ts)', () => {
    it('a long segment of odd-sized frames: every index entry points at its chunk after the index spilled and came back, and the header counts what is there', async () => {
      // 10 fps with audio: 20 chunks a second, so the 256-entry index buffer spills once in 14 s.
      await boot({ fps: 10, segmentSeconds: 30, microphone: true }, { camera: { frameBytes: 3001 } });
      const { recording } = await begin();
      await board!.advance(14_000);
      await board!.command('end', { recording });
      const [record] = segmentRecordsOf(flash);
      assert.equal(record!.endTime - record!.startTime, 14_000, "the end is the last frame's slot");
      const media = avi(recording, 0); // readAviSegment checks each entry's offset lands on its own chunk
      assert.equal(media.frames, 140);
      const videos = media.chunks.filter((c) => c.id === VIDEO_CHUNK);
      const audios = media.chunks.filter((c) => c.id === AUDIO_CHUNK);
      assert.ok(videos.every((c) => c.length === 3001));
      assert.ok(audios.length >= 130 && audios.every((c) => c.length % 2 === 0), `${audios.length} audio chunks of whole samples`);
      assert.equal(media.chunks.length, 140 + audios.length);
      assert.ok(media.chunks.length > 256, 'more entries than the buffer holds: it spilled');
      const bytes = fs.readFileSync(media.file);
      const u32 = (at: number) => bytes.readUInt32LE(at);
      const moviBytes = media.chunks.reduce((n, c) => n + 8 + c.length + (c.length & 1), 0);
      assert.equal(u32(4), bytes.length - 8, 'RIFF size');
      assert.equal(u32(48), 140, 'avih dwTotalFrames');
      assert.equal(u32(60), 3001, 'avih dwSuggestedBufferSize: the largest chunk');
      assert.equal(u32(140), 140, 'video dwLength');
      assert.equal(u32(264), media.audioBytes / 2, 'audio dwLength in samples');
      assert.equal(u32(318), 4 + moviBytes, 'movi size');
      assert.equal(bytes.length, 326 + moviBytes + 8 + 16 * media.chunks.length);
      const idx1 = 326 + moviBytes;
      assert.equal(bytes.toString('latin1', idx1, idx1 + 4), 'idx1');
      assert.equal(u32(idx1 + 4), 16 * media.chunks.length);
      const flags = media.chunks.map((_, i) => u32(idx1 + 8 + 16 * i + 4));
      assert.deepEqual(flags, media.chunks.map((c) => (c.id === VIDEO_CHUNK ? 0x10 : 0)), 'every frame a key frame, no audio chunk one');
      // Each odd frame is followed by its pad byte, then the next chunk's header.
      const first = videos[0]!;
      assert.equal(bytes[first.dataOffset + 3001], 0);
      assert.ok([VIDEO_CHUNK, AUDIO_CHUNK].includes(u32(first.dataOffset + 3002)));
    });

    it('refuses a chunk after its close and a second close, saying which segment', async () => {
      await boot({ fps: 5 });
      const { recording, refusals, closed } = (await board!.command('misuse')) as { recording: number; refusals: string[]; closed: Record<string, number> };
      assert.deepEqual(refusals, [
        `segment 0 of recording ${recording} is closed`,
        `segment 0 of recording ${recording} is closed`,
        `segment 0 of recording ${recording} is already closed`,
      ]);
      assert.deepEqual({ ...closed, startTime: 0, endTime: closed.endTime! - closed.startTime! }, { recording, segmentIndex: 0, startTime: 0, endTime: 200, frames: 1, bytes: 326 + 108 + 8 + 16 });
      const media = avi(recording, 0);
      assert.equal(media.frames, 1, 'what was refused is not in the file');
      assert.equal(media.audioBytes, 0);
    });
  });

  describe('the board composition (firmware/capture/board-capture.ts, with the recorder)', () => {
    it('a commit that fails at the stop: the recording stopped already, so the failure is traced and the chain has one stop, no fault', async () => {
      board = await bootCapture(flash, { width: 160, height: 120, fps: 5, segmentSeconds: 10 }, { sdCard: { dir: cardDir, capacityBytes: 32e9 } });
      await board.advance(500);
      await board.command('start', { ground: 1 });
      await board.advance(1500);
      board.sdCard!.failAtWrite = board.sdCard!.writes + 1; // the segment's last writes, at its commit
      assert.equal(await board.command('stop'), 'ok');
      await board.advance(500);
      board.throwIfFaulted();
      const records = chainRecords(flash);
      assert.deepEqual(eventsOf(records, 'recording-stop').map((e) => e.stopReason), [1], "one stop: the officer's");
      assert.deepEqual(eventsOf(records, 'segment-lost').map((e) => [e.segmentIndex, e.lossReason]), [[0, 2]]);
      assert.ok(board.traces.some((t) => t.text === 'storage failed: stopping the recording\n'), 'the failure reached the recorder, after its stop');
      assert.match(String(await board.command('start', { ground: 1 })), /the SD card is failing; replace it/, 'a failing card refuses the next start');
    });

    it("segments carry the recording's ground and the configured sample rate; a full flash stops the recording for space, with its trace", async () => {
      // The reserve is checked after each frame is written, so it must hold a frame (here 16.4 kB
      // with 16 kHz audio) besides the chain records: 16 KiB did not, and the stop event found the
      // flash full (docs/MUTATION.md, firmware/capture).
      board = await bootCapture(flash, { width: 160, height: 120, fps: 5, segmentSeconds: 1, sampleRate: 16_000, reserveBytes: 65_536, lowSpaceBytes: 1 },
        { storage: { capacityBytes: 300_000 }, camera: { frameBytes: 10_000 } });
      await board.advance(500);
      assert.equal(typeof (await board.command('start', { ground: 2 })), 'object');
      await board.advance(60_000);
      const records = chainRecords(flash);
      assert.deepEqual(eventsOf(records, 'recording-stop').map((e) => e.stopReason), [4], 'stopped once, for storage full');
      assert.ok(board.traces.some((t) => t.text === 'storage full: stopping the recording\n'));
      assert.ok(!board.traces.some((t) => /storage failed/.test(t.text)));
      const segments = segmentRecordsOf(flash);
      assert.ok(segments.length >= 2);
      assert.deepEqual([...new Set(segments.map((r) => r.legalGround))], [2]);
      const media = avi(segments[0]!.recording, 0);
      assert.equal(media.streams.sampleRate, 16_000);
      assert.ok(media.audioBytes > 0);
    });
  });
});
