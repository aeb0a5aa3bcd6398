// The microSD card at boot (firmware/store/card-volume.ts) in XS, on the simulated board's card
// slot: the condition each kind of card gives (ready, new, ours, absent, unformatted, failing,
// another camera's) with what the boot trace says, where the store then keeps footage, the
// sentence an officer is told for each condition, and the card pins a board also gives to the
// LED, buzzer or sign.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { commandOk, STORE_WORKOUT } from '../support/store-workout.js';

const port = new NodeCryptoPort();
const camera = generateP256KeyPair(port);
const agency = generateP256KeyPair(port);
const deviceId = Buffer.from(deriveDeviceId(port, camera.publicKey));
const KEYS = { privateKey: toHex(camera.privateKey), publicKey: toHex(camera.publicKey), agencyPublicKey: toHex(agency.publicKey) };

describe('the SD card at boot (XS)', function () {
  let work: string;
  let volume: string;
  let board: SimulatedBoard | undefined;
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-card-volume-'));
    fs.mkdirSync(path.join(work, 'flash'));
    volume = path.join(work, 'card', 'volume');
    board = await SimulatedBoard.boot({ main: STORE_WORKOUT, storage: { dir: path.join(work, 'flash') }, sdCard: { dir: path.join(work, 'card'), capacityBytes: 8e9 } });
  });
  after(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  const call = (name: string, args: Record<string, unknown> = {}) => commandOk(board!, name, args);
  const ownerFile = () => path.join(volume, 'chaincam-camera.id');
  const cardOpen = () => call('card-open', { cameraPublicKey: KEYS.publicKey });
  const ready = { condition: 1, detail: 'SD card ready', root: '/' };

  it('gives each card its condition and what the trace says, claiming none', async () => {
    assert.deepEqual(await cardOpen(), ready, 'a new card');
    assert.equal(fs.existsSync(ownerFile()), false, 'looking at a card does not claim it');
    fs.writeFileSync(ownerFile(), deviceId);
    assert.deepEqual(await cardOpen(), ready, 'this camera\'s card');
    fs.writeFileSync(ownerFile(), Buffer.alloc(0));
    assert.deepEqual(await cardOpen(), ready, 'an owner file a cut left empty: still new');
    for (const other of [Buffer.alloc(16, 0x5a), deviceId.subarray(0, 15), Buffer.concat([deviceId, Buffer.alloc(1)])]) {
      fs.writeFileSync(ownerFile(), other);
      assert.deepEqual(await cardOpen(), { condition: 7, detail: 'the SD card holds another camera\'s footage', root: null }, `an owner of ${other.length} bytes not this camera's id`);
      assert.deepEqual(fs.readFileSync(ownerFile()), other, 'left as it was');
    }
    fs.rmSync(ownerFile());
    const card = board!.sdCard!;
    card.condition = 'absent';
    assert.deepEqual(await cardOpen(), { condition: 2, detail: 'SD card: no card in the slot (sdmmc_card_init: ESP_ERR_TIMEOUT)', root: null });
    card.condition = 'failing';
    assert.deepEqual(await cardOpen(), { condition: 4, detail: 'SD card: the card does not answer (sdmmc_card_init: ESP_ERR_INVALID_RESPONSE)', root: null });
    card.condition = 'ok';
    card.state.formatted = false;
    assert.deepEqual(await cardOpen(), { condition: 3, detail: 'SD card: no FAT file system on the card (f_mount: FR_NO_FILESYSTEM)', root: null });
    card.state.formatted = true;
    assert.deepEqual(await cardOpen(), ready);
  });

  it('keeps footage on a ready card, claimed for this camera, and on flash with no slot or another camera\'s card', async () => {
    const card = board!.sdCard!;
    for (const root of ['cam-a', 'cam-b', 'cam-c']) fs.mkdirSync(path.join(work, 'flash', root));
    const onCard = await call('store-with-card', { root: '/cam-a/', keys: KEYS });
    assert.deepEqual(onCard, { card: { condition: 1, detail: 'SD card ready' }, deviceId: deviceId.toString('hex'), totalBytes: card.totalBytes });
    assert.deepEqual(fs.readFileSync(ownerFile()), deviceId, 'the card claimed');
    assert.ok(fs.statSync(path.join(volume, 'segments')).isDirectory(), 'segments/ on the card');
    assert.equal(fs.existsSync(path.join(work, 'flash', 'cam-a', 'segments')), false, 'not on flash');
    assert.ok(fs.existsSync(path.join(work, 'flash', 'cam-a', 'chain.log')), 'the chain on flash');

    const noSlot = await call('store-with-card', { root: '/cam-b/', keys: KEYS, noSlot: true });
    assert.deepEqual(noSlot, { card: null, deviceId: deviceId.toString('hex'), totalBytes: board!.storage.capacityBytes });
    assert.ok(fs.statSync(path.join(work, 'flash', 'cam-b', 'segments')).isDirectory(), 'segments/ on flash');

    fs.writeFileSync(ownerFile(), Buffer.alloc(16, 0x5a));
    const foreign = await call('store-with-card', { root: '/cam-c/', keys: KEYS });
    assert.deepEqual(foreign, { card: { condition: 7, detail: 'the SD card holds another camera\'s footage' }, deviceId: deviceId.toString('hex'), totalBytes: board!.storage.capacityBytes });
    assert.deepEqual(fs.readFileSync(ownerFile()), Buffer.alloc(16, 0x5a), 'another camera\'s card untouched');
  });

  it('tells the officer why a start is refused for each condition, and nothing for a ready card or none', async () => {
    assert.deepEqual(await call('card-refusal', { conditions: [null, 1, 2, 3, 4, 5, 6, 7, 8] }), [
      null, null,
      'no SD card in the slot; insert the camera\'s card',
      'the SD card is not formatted (FAT32); format it at the dock',
      'the SD card is failing; replace it',
      'the SD card is full; dock the camera to offload',
      'the SD card was removed; insert it and restart the camera',
      'the SD card holds another camera\'s footage; dock that camera, or insert this camera\'s card',
      'the SD card is failing; replace it',
    ]);
  });

  it('names every card pin the board also gives to the LED, buzzer or sign', async () => {
    const spi = { bus: 'spi', clock: 7, mosi: 9, miso: 8, select: 21 };
    const board = { led: 21, buzzer: 9, display: { select: 8, dc: 7, reset: 40, backlight: 41 } };
    assert.deepEqual(await call('card-pin-conflicts', { card: spi, board }), [
      'GPIO7 is both the SD card\'s clock and the sign dc',
      'GPIO9 is both the SD card\'s mosi and the buzzer',
      'GPIO8 is both the SD card\'s miso and the sign select',
      'GPIO21 is both the SD card\'s select and the LED',
    ]);
    assert.deepEqual(await call('card-pin-conflicts', { card: spi, board: { led: 2, display: { reset: 9, backlight: 21 } } }), [
      'GPIO9 is both the SD card\'s mosi and the sign reset',
      'GPIO21 is both the SD card\'s select and the sign backlight',
    ]);
    const sdmmc = { bus: 'sdmmc', clock: 14, command: 15, data: [2, 4, 12, 13] };
    assert.deepEqual(await call('card-pin-conflicts', { card: sdmmc, board: { led: 12, buzzer: 15, display: { select: 2 } } }), [
      'GPIO15 is both the SD card\'s command and the buzzer',
      'GPIO2 is both the SD card\'s d0 and the sign select',
      'GPIO12 is both the SD card\'s d2 and the LED',
    ]);
    assert.deepEqual(await call('card-pin-conflicts', { card: { bus: 'sdmmc', clock: 14, command: 15 }, board: {} }), [], 'a board without LED, buzzer or sign; no data pins, no SPI pins');
    assert.deepEqual(await call('card-pin-conflicts', { card: { bus: 'sdmmc', clock: 14, data: [2] }, board: { led: 3 } }), []);
  });
});
