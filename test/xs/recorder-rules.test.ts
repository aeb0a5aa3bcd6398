// The recorder's rules at their edges, on the camera as firmware/main builds it (XS, simulated
// board): what a start returns, what it refuses and in which state, a ground set twice, a channel
// failing after the start, what a stop ends (reminders, the elapsed clock), what the sign shows
// when the ground changes, and the profile settings kr-2024 will not boot without.
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { FirmwareFault } from '../../host-tools/sim/firmware-fault.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { events, FIXTURE, tones, traced } from './camera-events.js';

const chaincam = (boardTarget().config as Record<string, any>).chaincam;

describe('the recorder at its edges (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  async function boot(profile = 'kr-2024', policy: Record<string, unknown> = {}): Promise<SimulatedBoard> {
    board = await SimulatedBoard.boot({ main: FIXTURE, config: { chaincam: { ...chaincam, profile, policy } } });
    await board.advance(1000);
    return board;
  }

  it('refuses what its state does not allow, naming the state; a start returns the recording', async () => {
    const b = await boot();
    assert.equal(await b.command('powerOn'), 'error: power on: the recorder is already ready');
    assert.equal(await b.command('selfTest'), 'ok');
    for (const [command, args, action] of [['stop', {}, 'stop'], ['ground', { ground: 2, reason: 'x' }, 'set the ground'], ['noticeNotGiven', { reason: 3, text: 'x' }, 'record why notice was not given']] as const) {
      assert.equal(await b.command(command, args), `error: cannot ${action}: no recording is running`);
    }
    const started = await b.command('start', { ground: 4 }) as Record<string, number>;
    assert.deepEqual(started, { id: 1, startedAt: started.startedAt, ground: 4, startMode: 1, noticeReason: 0 });
    assert.equal(typeof started.startedAt, 'number');
    assert.equal(await b.command('start', { ground: 4 }), 'error: cannot start a recording while the recorder is recording');
    assert.equal(await b.command('emergency'), 'error: cannot start a recording while the recorder is recording');
    assert.equal(await b.command('selfTest'), 'error: self-test: the recorder is recording, not ready; stop the recording first');
    assert.equal(await b.command('powerOn'), 'error: power on: the recorder is already recording');
    assert.equal(await b.command('noticeNotGiven', { reason: 5, text: 'x' }), 'error: notice reason 5 is not an Art. 10-6(2) reason code');
    assert.equal(await b.command('noticeNotGiven', { reason: 0, text: 'x' }), 'error: notice reason 0 is not an Art. 10-6(2) reason code');
    assert.equal(await b.command('noticeNotGiven', { reason: 9, text: 'see the report' }), 'ok');
    assert.equal(events(b, 'recording-start').length, 1);
  });

  it('a ground set to the one it has changes nothing; a change is shown with the time since the start', async () => {
    const b = await boot();
    await b.command('start', { ground: 4 });
    await b.advance(5000);
    assert.equal(await b.command('ground', { ground: 4, reason: 'same' }), 'ok');
    assert.equal(events(b, 'ground-change').length, 0, 'no audit entry for no change');
    assert.equal(await b.command('ground', { ground: 6, reason: 'a fight broke out' }), 'ok');
    assert.deepEqual(events(b, 'ground-change').map((e) => [e.fromGround, e.toGround, e.reason]), [[4, 6, 'a fight broke out']]);
    const shown = traced(b, 'sign recording ground 6 at ').map((l) => Number(/at (\d+)/.exec(l.text)![1]));
    assert.equal(shown.length, 1);
    assert.ok(shown[0]! >= 5000 && shown[0]! < 6000, `elapsed ${shown[0]} ms, 5 s after the start`);
  });

  it('the sign counts the time since the start, and a stop ends the reminders and the clock', async () => {
    const b = await boot();
    await b.command('start', { ground: 1 });
    await b.advance(125_000);
    // The clock ticks each second from the start (the fixture's sign traces the first second of each minute).
    const shown = traced(b, 'sign elapsed ').map((l) => Number(l.text.trim().split(' ').at(-1)));
    assert.equal(shown.length, 2, shown.join());
    shown.forEach((ms, i) => assert.ok(ms >= (i + 1) * 60_000 && ms < (i + 1) * 60_000 + 1000, `minute ${i + 1} shown as ${ms} ms`));
    const reminders = tones(b).length;
    await b.command('stop');
    const stoppedAt = b.now;
    await b.advance(600_000);
    assert.equal(traced(b, 'sign elapsed ').length, 2, 'no clock after the stop');
    assert.equal(tones(b).filter(([t]) => t > stoppedAt + 2000).length, 0, 'no reminder after the stop');
    assert.ok(reminders > 0);
  });

  it('a channel failing while recording puts notice not given on the recording, unless a reason is already there', async () => {
    const b = await boot();
    await b.command('start', { ground: 1 });
    await b.command('killSign');
    await b.advance(2000);
    const failed = await b.command('state') as { recording: { noticeReason: number } };
    assert.equal(failed.recording.noticeReason, 1, 'indicator failed');
    await b.close();

    const c = await boot();
    await c.command('start', { ground: 1 });
    await c.command('noticeNotGiven', { reason: 3, text: 'in a tunnel' });
    await c.command('killSign');
    await c.advance(2000);
    const kept = await c.command('state') as { recording: { noticeReason: number } };
    assert.equal(kept.recording.noticeReason, 3, 'the reason given stays');
  });

  it('a stealth recording says so on the record; with reminders off none sounds and the camera keeps running', async () => {
    const b = await boot('generic', { reminderMs: 0 });
    await b.command('start', { ground: 1, stealth: true });
    await b.advance(300_000);
    const [failure] = events(b, 'notice-failure');
    assert.equal(failure!.text, 'stealth recording (profile allows it)');
    assert.equal(tones(b).filter(([t]) => t > 2000).length, 0);
    assert.equal((await b.command('state') as { state: string }).state, 'recording');
  });

  it('reminders off: the start sounds exactly its own tones, and nothing after (no reminder at 0 ms either); on, the first comes at its interval', async () => {
    const heard = async (policy: Record<string, unknown>) => {
      const b = await boot('generic', policy);
      const at = b.now;
      await b.command('start', { ground: 1 });
      await b.advance(115_000);
      const all = tones(b).filter(([t]) => t >= at).map(([t, ...rest]) => [t - at, ...rest]);
      await b.close();
      board = undefined;
      return all;
    };
    const off = await heard({ reminderMs: 0 });
    const on = await heard({ reminderMs: 110_000 });
    assert.ok(off.length > 0, 'the start tones');
    assert.deepEqual(on.filter(([t]) => t! < 110_000), off, 'the same start');
    const reminder = on.filter(([t]) => t! >= 110_000);
    assert.ok(reminder.length > 0 && reminder[0]![0]! < 111_000, `a reminder at 110 s: ${JSON.stringify(reminder)}`);
  });

  it('kr-2024 will not boot without a maximum duration or an emergency deadline; an unknown profile is named', async () => {
    for (const [policy, message] of [
      [{ maxRecordingMs: 0 }, /policy profile kr-2024 requires a maximum recording duration \(minimum extent\)/],
      [{ emergencyConfirmMs: 0 }, /policy profile kr-2024 requires an emergency-start confirmation deadline/],
    ] as const) {
      await assert.rejects(boot('kr-2024', policy), (error: FirmwareFault) => {
        assert.match(error.message, message);
        return true;
      });
    }
    await assert.rejects(boot('kr-2023'), /unknown policy profile "kr-2023"; known profiles: kr-2024, generic/);
    const generic = await boot('generic', { maxRecordingMs: 0, emergencyConfirmMs: 0 });
    assert.equal((await generic.command('state') as { policy: string }).policy, 'generic');
  });
});
