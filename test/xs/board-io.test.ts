import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

describe('the simulated board as the firmware sees it (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  it('gives firmware only what a Moddable device has: no Node, no host bridge', async () => {
    board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/sandbox-probe', epochMs: Date.UTC(2026, 10, 28, 9) });
    const text = board.traces.map((t) => t.text).join('');
    assert.match(text, /device=object trace=function process=undefined require=undefined Buffer=undefined issueCommand=undefined simHost=undefined print=undefined setTimeout=undefined console=undefined/);
    assert.match(text, /date 2026-11-28T09:00:00\.000Z/);
  });

  it('delivers button presses to onReadable at the virtual time they happen', async () => {
    board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/button-counter' });
    await board.advance(1000);
    await board.press('button', 80);
    await board.advance(5000);
    await board.press('button', 80);
    const presses = board.traces.map((t) => t.text.trim());
    assert.deepEqual(presses, ['press 1 at 1000 level 0', 'press 2 at 6080 level 0']);
    assert.deepEqual(board.timeline.entries.filter((e) => e.kind === 'gpio').map((e) => [e.t, (e as { level: number }).level]), [[1000, 0], [1080, 1], [6080, 0], [6160, 1]]);
  });

  it('a pin claimed twice fails as on the device, naming the pin and its owner; close frees it', async () => {
    board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/pin-conflict' });
    assert.deepEqual(board.traces.map((t) => t.text.trim()), [
      'pin 16 refused: pin 16 (gpio16) is in use by Digital', // the LILYGO's IR-cut filter line: no chaincam channel
      'pin 23 refused: invalid pin 23: this board has no GPIO 23',
      'pin 16 reopened after close',
    ]);
  });
});
