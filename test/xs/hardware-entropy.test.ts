// The simulated board's drivers/hardware-entropy: the firmware's draws reach the host's RNG
// (node:crypto, or a test's seed), in any length, as the camera's native module gives them.
import assert from 'node:assert/strict';
import { SeededCryptoPort } from '../../host-tools/crypto/seeded-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

const FIXTURE = 'test/fixtures/firmware/entropy-draws';

describe('hardware entropy on the simulated board', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => { await board?.close(); board = undefined; });

  it('draws fresh bytes of any length from the host RNG', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.equal(await board.command('true-random'), true);
    const a = await board.command('draw', { length: 32 }) as string;
    const b = await board.command('draw', { length: 32 }) as string;
    assert.equal(a.length, 64);
    assert.notEqual(a, b);
    assert.equal(await board.command('draw', { length: 0 }), '');
    const long = await board.command('draw', { length: 3000 }) as string;
    assert.equal(long.length, 6000);
    assert.notEqual(long.slice(0, 2048), long.slice(2048, 4096), 'each 1024-byte draw is fresh');
  });

  it('follows the board\'s crypto seed, so seeded tests stay reproducible', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE, cryptoSeed: 'entropy' });
    const drawn = await board.command('draw', { length: 2100 }) as string;
    assert.equal(drawn, Buffer.from(new SeededCryptoPort('entropy').randomBytes(2100)).toString('hex'));
  });
});
