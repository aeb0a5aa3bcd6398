// The camera's BENCH answers (firmware/dock/bench-commands.ts) read whole, with firmware/main in
// XS on the simulated board: the status names the sign the board really has (its panel's size
// and colour, or none), a command given an argument it takes none of and an unknown command
// are refused by name, and a press sequence that meets the officer's thumb stops and frees the
// button for the next press.
import assert from 'node:assert/strict';
import { BENCH_COMMAND, BENCH_STATUS, SIGN_COLOURS, decodeBenchProblem, encodePressArgument } from '../../firmware/format/bench-messages.js';
import { BenchLink } from '../../host-tools/bench/bench-link.js';
import { signPanel } from '../../host-tools/sim/peripherals.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { Ssd1306Panel } from '../../host-tools/sim/hardware/ssd1306-panel.js';
import { St7789Panel } from '../../host-tools/sim/hardware/st7789-panel.js';
import { bootBenchBoard, type BenchBoard } from '../support/bench-board.js';
import { attachDock, hostPort, type DockCable } from '../support/dock-harness.js';

describe('bench commands, answered whole (firmware/main in XS)', function () {
  let camera: BenchBoard | undefined;
  let cable: DockCable;
  let link: BenchLink;
  afterEach(async () => {
    await camera?.close();
    camera = undefined;
  });

  async function boot(target?: string, config?: Record<string, unknown>): Promise<BenchBoard> {
    camera = await bootBenchBoard({ target, config });
    cable = attachDock(camera.board);
    link = new BenchLink(cable.client);
    await link.authenticate(hostPort, camera.key);
    return camera;
  }
  const reply = (command: number, argument: Uint8Array = new Uint8Array(0)) => cable.client.request({ type: 'bench', command, argument }, 'bench-reply');

  // The XIAO wired without its display (its light is an LED, not a lamp on the sign): no sign at all.
  const xiao = boardTarget('xiao_esp32s3_sense').config as { board: Record<string, unknown> };
  const boards: [string, string, Record<string, unknown> | undefined, [number, number, number]][] = [
    ['the LILYGO (ST7789)', 'lilygo_t_camera_plus_s3', undefined, [240, 240, SIGN_COLOURS.rgb565]],
    ['the XIAO (SSD1306)', 'xiao_esp32s3_sense', undefined, [128, 64, SIGN_COLOURS.monochrome]],
    ['a XIAO wired without a display', 'xiao_esp32s3_sense', { board: { ...xiao.board, display: undefined } }, [0, 0, SIGN_COLOURS.none]],
  ];
  for (const [name, target, config, sign] of boards) {
    it(`${name}: the status names the sign the camera has, its size and colour`, async () => {
      const { board } = await boot(target, config);
      const status = await link.status();
      assert.deepEqual([status.signWidth, status.signHeight, status.signColour], sign);
      if (!config) {
        const panel = signPanel(board)!;
        assert.deepEqual([panel.width, panel.height, panel instanceof St7789Panel || panel instanceof Ssd1306Panel], [sign[0], sign[1], true], 'the panel on the board');
      }
      assert.equal(status.recorderState, 'ready');
    });
  }

  it('refuses an argument to status or self-test, and an unknown command, saying which', async () => {
    await boot();
    const refused = async (command: number, argument: Uint8Array, status: number, text: string) => {
      const answer = await reply(command, argument);
      assert.deepEqual([answer.status, decodeBenchProblem(answer.result)], [status, text]);
    };
    await refused(BENCH_COMMAND.status, Uint8Array.of(1), BENCH_STATUS.badArgument, 'bench status takes no argument');
    await refused(BENCH_COMMAND.selfTest, Uint8Array.of(1), BENCH_STATUS.badArgument, 'bench self-test takes no argument');
    await refused(0x7e, new Uint8Array(0), BENCH_STATUS.unknownCommand, 'unknown bench command 126');
    assert.equal((await reply(BENCH_COMMAND.selfTest)).status, BENCH_STATUS.ok, 'without one, it runs');
  });

  it("a press sequence that meets the officer's thumb stops there, and the button is free for the next press", async () => {
    const { board } = await boot();
    await board.advance(500);
    // Tap, then two more 300 ms after each release: the second is due at 400 ms, the third at 800.
    const sequence = await reply(BENCH_COMMAND.press, encodePressArgument(100, [{ gapMs: 300, holdMs: 100 }, { gapMs: 300, holdMs: 100 }]));
    assert.equal(sequence.status, BENCH_STATUS.ok);
    await board.advance(200);
    await board.setInput('button', 0); // the officer's thumb, from 200 ms to 1000 ms
    await board.advance(800);
    await board.setInput('button', 1);
    const stopped = board.traces.filter((l) => l.text.startsWith('bench: press sequence stopped:')).map((l) => l.text.trim());
    assert.deepEqual(stopped, ['bench: press sequence stopped: the button is already pressed'], 'stopped once, at the second press; the third never came');
    await board.advance(100);
    const next = await reply(BENCH_COMMAND.press, encodePressArgument(100));
    assert.equal(next.status, BENCH_STATUS.ok, 'nothing of the sequence is left to hold the button');
  });
});
