import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { FirmwareFault } from '../../host-tools/sim/firmware-fault.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { events, FIXTURE, tones, traced } from './camera-events.js';

const chaincam = (boardTarget().config as Record<string, any>).chaincam;

// docs/POLICY.md lists how kr-2024 and generic differ; each row is proved here.
describe('policy profiles kr-2024 and generic differ exactly as documented (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  async function boot(profile: string, policy: Record<string, unknown> = {}, target?: string): Promise<SimulatedBoard> {
    board = await SimulatedBoard.boot({ main: FIXTURE, target, config: { chaincam: { ...chaincam, profile, policy } } });
    await board.advance(1000);
    return board;
  }

  it('stealth recording: kr-2024 refuses it; generic records with every channel dark and the reason on the record first', async () => {
    const kr = await boot('kr-2024');
    assert.match(String(await kr.command('start', { ground: 1, stealth: true })), /policy kr-2024 forbids recording with notice off \(Art\. 10-6\(1\)\)/);
    assert.equal(events(kr, 'recording-start').length, 0);
    await kr.close();

    const generic = await boot('generic', {}, 'xiao_esp32s3_sense'); // an LED on a pin
    const toneCount = tones(generic).length;
    await generic.command('start', { ground: 1, stealth: true });
    await generic.advance(10_000);
    const [failure] = events(generic, 'notice-failure');
    assert.deepEqual([failure!.failedIndicators, failure!.noticeReason], [7, 2]);
    assert.match(traced(generic, 'capture begin')[0]!.text, /token channels 0 reason 2/);
    assert.equal(tones(generic).length, toneCount, 'no tone sounds');
    assert.deepEqual(generic.timeline.levels('led').filter((e) => e.t > 1000), [], 'the LED does not light after the start');
    assert.equal(generic.gpio.read(generic.channelPin('led')), 0, 'the LED is dark');
  });

  it('emergency start: kr-2024 demands the ground within 30 s; generic sets no deadline', async () => {
    for (const [profile, expected] of [['kr-2024', 1], ['generic', 0]] as const) {
      const b = await boot(profile);
      await b.command('emergency');
      await b.advance(60_000);
      assert.equal(events(b, 'ground-unconfirmed').length, expected, profile);
      await b.close();
    }
  });

  it('maximum duration: kr-2024 stops at 3 h; generic keeps recording', async () => {
    for (const [profile, stops] of [['kr-2024', 1], ['generic', 0]] as const) {
      const b = await boot(profile);
      await b.command('start', { ground: 4 });
      await b.advance(3 * 3600_000 + 1000);
      assert.equal(events(b, 'recording-stop').length, stops, profile);
      await b.close();
    }
  });

  it('pre-event buffer: kr-2024 refuses any at boot, naming the rule; generic allows up to 120 s', async () => {
    await assert.rejects(boot('kr-2024', { preEventSeconds: 10 }), (error: FirmwareFault) => {
      assert.match(error.message, /firmware\/config\.ts.*policy profile kr-2024 allows at most 0 s of pre-event buffer, not 10/);
      return true;
    });
    const generic = await boot('generic', { preEventSeconds: 120 });
    assert.deepEqual(await generic.command('state'), { state: 'ready', recording: null, failed: 0, policy: 'generic' });
    await generic.close();
    await assert.rejects(boot('generic', { preEventSeconds: 121 }), /allows at most 120 s/);
  });

  it('reminders: kr-2024 refuses to turn them off; generic may', async () => {
    await assert.rejects(boot('kr-2024', { reminderMs: 0 }), /policy profile kr-2024 requires reminder tones/);
    const generic = await boot('generic', { reminderMs: 0 });
    await generic.command('start', { ground: 1 });
    await generic.advance(600_000);
    assert.equal(tones(generic).filter(([t]) => t > 2000).length, 0);
  });
});
