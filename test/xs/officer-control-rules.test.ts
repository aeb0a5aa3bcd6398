// The officer's button at its edges (firmware/policy/officer-controls.ts), on the camera as
// firmware/main builds it (XS, simulated board, the real button driver): a choice stays open
// 10 s from its last press, a choice that ended leaves no timer to end the next one, and a
// choice whose recording state changed under it does nothing when it is taken, and says no
// error. Written for the survivors of `npm run mutation -- firmware/policy` (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { events, FIXTURE, traced } from './camera-events.js';

const chaincam = (boardTarget().config as Record<string, any>).chaincam;

describe("the officer's button at its edges (XS)", () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  async function boot(): Promise<SimulatedBoard> {
    board = await SimulatedBoard.boot({ main: FIXTURE, cpu: IDEAL_CPU, config: { chaincam } });
    await board.advance(1000);
    return board;
  }
  const tap = async (b: SimulatedBoard) => { await b.press('button', 100); };
  const long = async (b: SimulatedBoard) => { await b.press('button', 1200); };
  const controlErrors = (b: SimulatedBoard) => traced(b, 'controls: ').map((l) => l.text);

  it('each press restarts the 10 s a choice stays open: two taps 8 s apart, then a long press 8 s later, start on ground 2', async () => {
    const b = await boot();
    await tap(b);
    await b.advance(8000);
    await tap(b);
    await b.advance(8000);
    assert.equal(traced(b, 'sign choice ended').length, 0, 'still open 16 s after the first tap');
    await long(b);
    await b.advance(1000);
    assert.deepEqual(events(b, 'recording-start').map((e) => [e.legalGround, e.startMode]), [[2, 1]]);
    assert.deepEqual(traced(b, 'sign choice ended').length, 1);
    assert.deepEqual(controlErrors(b), []);
  });

  it('a choice taken leaves no timer behind to end the next choice early', async () => {
    const b = await boot();
    await tap(b); // offers ground 1; its 10 s would run out about 10.1 s from now
    await b.advance(300);
    await long(b); // start on it: the choice ends here
    await b.advance(3000);
    await tap(b); // offer a change to ground 2, open until about 14.7 s
    await b.advance(6000); // past the first choice's 10 s
    await long(b);
    await b.advance(1000);
    assert.deepEqual(events(b, 'ground-change').map((e) => [e.fromGround, e.toGround, e.reason]), [[1, 2, 'changed by officer']]);
    assert.deepEqual(traced(b, 'sign choose').map((l) => l.text.trim()), ['sign choose 1 to start', 'sign choose 2 to change']);
    assert.deepEqual(traced(b, 'sign choice ended').length, 2);
    assert.deepEqual(controlErrors(b), []);
  });

  it('while recording, a long press with no choice open does nothing; a 3 s hold stops', async () => {
    const b = await boot();
    await long(b); // an emergency start
    await b.advance(2000);
    await long(b);
    await b.advance(12_000);
    assert.deepEqual(traced(b, 'sign choose'), [], 'no ground offered');
    assert.deepEqual([events(b, 'recording-start').length, events(b, 'recording-stop').length], [1, 0]);
    await b.press('button', 3500);
    await b.advance(1000);
    assert.equal(events(b, 'recording-stop').length, 1);
    assert.deepEqual(controlErrors(b), []);
  });

  it('a choice to start, taken after a recording began otherwise, starts nothing more and says no error', async () => {
    const b = await boot();
    await tap(b); // offers ground 1 to start on
    await b.advance(300);
    assert.equal((await b.command('start', { ground: 4 }) as { ground: number }).ground, 4);
    await long(b);
    await b.advance(1000);
    assert.deepEqual(events(b, 'recording-start').map((e) => e.legalGround), [4]);
    assert.deepEqual(events(b, 'ground-change'), []);
    assert.deepEqual(controlErrors(b), []);
    assert.deepEqual(traced(b, 'sign choice ended').length, 1, 'the choice ended');
  });

  it('a choice to change, taken after its recording stopped, changes nothing and says no error', async () => {
    const b = await boot();
    assert.equal((await b.command('start', { ground: 2 }) as { ground: number }).ground, 2);
    await b.advance(1000);
    await tap(b); // offers ground 3 as a change
    await b.advance(300);
    assert.equal(await b.command('stop'), 'ok');
    await long(b);
    await b.advance(1000);
    assert.deepEqual(events(b, 'ground-change'), []);
    assert.equal(events(b, 'recording-start').length, 1, 'and starts nothing');
    assert.deepEqual(controlErrors(b), []);
  });
});
