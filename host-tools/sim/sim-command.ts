// `chaincam sim`: runs the firmware on the simulated board in the foreground and
// prints, stamped with virtual time, what the indicators and the firmware do.
import { Command, InvalidArgumentError } from 'commander';
import { SimulatedBoard } from './board.js';
import { FirmwareFault } from './firmware-fault.js';
import { boardTarget, DEFAULT_TARGET, SUPPORTED_TARGETS } from './targets.js';
import type { TimelineEntry } from './timeline.js';
import { DEFAULT_XSBUG_ADDRESS, XsbugBridge } from './xsbug-bridge.js';
import { SerialBridge } from './serial-bridge.js';
import { BUTTON_KEYS_HELP, readButtonKeys } from './button-keys.js';
import { cardSizeOption } from './card-size.js';
import { cardDir, recordRun } from './record-run.js';
import { readScenario } from '../scenario/scenario-file.js';
import { runShift } from '../scenario/shift-runner.js';
import { wholeNumber } from '../cli-options.js';
import { ESP32S3_COMPUTRONS_PER_SECOND } from './hardware/cpu-model.js';

/** --cpu-rate: computrons a second of device time (the board's XS speed). */
export function cpuRateOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1000) throw new InvalidArgumentError('expected computrons per second of device time, at least 1000 (e.g. 11000000)');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return n;
}

export function stamp(t: number): string {
  return `${(t / 1000).toFixed(3).padStart(10)} s`;
}

/** One line for a timeline entry a person watching the camera would notice. */
export function describeEntry(entry: TimelineEntry): string | undefined {
  switch (entry.kind) {
    case 'gpio':
      // Unnamed pins (a display's D/C and reset lines) are bus plumbing, not indicators.
      if (/^gpio\d+$/.test(entry.channel)) return undefined;
      return entry.direction === 'out' ? `${entry.channel.padEnd(8)} ${entry.level ? 'high' : 'low'}` : `${entry.channel.padEnd(8)} input ${entry.level ? 'high' : 'low'}`;
    case 'spi':
    case 'i2c':
      return 'sign     updated';
    case 'pwm':
      return `${entry.channel.padEnd(8)} ${entry.duty > 0 ? `${entry.hz} Hz, duty ${(entry.duty * 100).toFixed(0)}%` : 'silent'}`;
    case 'tone':
      return `${entry.channel.padEnd(8)} ${entry.hz > 0 ? `${entry.hz} Hz` : 'silent'}`;
    case 'lamp':
      return `${'lamp'.padEnd(8)} ${entry.level ? 'lit' : 'dark'} (the sign's recording strip)`;
    case 'time':
      return `clock    set from ${new Date(entry.before).toISOString()} to ${new Date(entry.after).toISOString()}`;
    default:
      return undefined;
  }
}

/** "160x120@1": the camera's frame size and rate, laid over the manifest's capture settings. */
function captureOption(value: string): { width: number; height: number; fps: number } {
  const m = /^(\d+)x(\d+)@(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected WIDTHxHEIGHT@FPS, e.g. 160x120@1');
  return { width: Number(m[1]), height: Number(m[2]), fps: Number(m[3]) };
}

/**
 * Until the board's clock reaches `until` (a slow board takes longer), Ctrl-C or q, or the
 * bridge stops. Meanwhile stdin's keys press the camera's button.
 */
function bridgedRun(board: SimulatedBoard, serial: SerialBridge, until: number, stopped: Promise<void>, print: (t: number, line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    const keys = readButtonKeys(process.stdin, (holdMs, what) => {
      print(board.now, `button   ${what} (key)`);
      serial.pressButton(holdMs);
    }, () => finish());
    const finish = () => {
      clearInterval(check);
      process.off('SIGINT', finish);
      keys.stop();
      resolve();
    };
    const check = setInterval(() => board.now >= until && finish(), 20);
    process.once('SIGINT', finish);
    stopped.then(finish, finish);
  });
}

function captureConfig(target: string, capture: { width: number; height: number; fps: number }): Record<string, unknown> {
  const chaincam = (boardTarget(target).config as Record<string, any>).chaincam;
  return { chaincam: { ...chaincam, capture: { ...chaincam.capture, ...capture } } };
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the firmware on the simulated board (a real XS engine) and print what its indicators do')
    .option('--seconds <n>', 'virtual seconds to run', seconds, 10)
    .option('--target <name>', `board target (${SUPPORTED_TARGETS.join(', ')})`, DEFAULT_TARGET)
    .option('--main <module>', 'main module to run instead of firmware/main (a developer fixture)', 'firmware/main')
    .option('--quiet', 'print only the firmware trace and the summary')
    .option('--xsbug [host:port]', `debug in xsbug: run XS's debug build connected to the xsbug listening at HOST:PORT (default ${DEFAULT_XSBUG_ADDRESS})`)
    .option('--serial <path>', "bridge the board's UART to this serial device or pty (e.g. one end of a socat pair); runs in real time")
    .option('--baud <n>', 'pace the bridged bytes at this line rate (10 bits per byte)', wholeNumber(300, 'a baud rate'))
    .option('--latency <ms>', 'extra delay each way on the bridged line', (v) => {
      const n = Number(v);
      if (!(n >= 0)) throw new InvalidArgumentError('expected milliseconds, 0 or more');
      return n;
    }, 0)
    .option('--speed <n>', 'with --serial: virtual seconds per wall second (the board runs as fast as it can, up to this)', (v) => {
      const n = Number(v);
      if (!(n > 0 && n <= 1000)) throw new InvalidArgumentError('expected a speed above 0, at most 1000');
      return n;
    }, 1)
    .option('--capture <WxH@fps>', "the camera's frame size and rate instead of the manifest's (small frames let a long run go fast and fit the flash)", captureOption)
    .option('--record <seconds>', 'boot on --storage, record on ground 1 for this many virtual seconds, stop', seconds)
    .option('--storage <dir>', "the board's flash, as a host directory (kept between runs); an empty one is a freshly flashed camera, to provision with chaincam provision --port")
    .option('--sd-card <size>', 'with --storage: a microSD card of this size (e.g. 32GB) in the slot, kept in DIR/sd-card; footage goes on it', cardSizeOption)
    .option('--power-cut-at <seconds>', 'with --record: cut the power at this virtual time instead of stopping', seconds)
    .option('--keys <dir>', 'a `chaincam keys init` directory, to provision a new --storage once')
    .option('--scenario <file>', 'run a shift from a scenario file (docs/SCENARIO.md): record, power cuts, dock, verify, export')
    .option('--data <dir>', 'with --scenario: keys, camera flash, evidence store, exports and pictures', 'chaincam-data')
    .option('--cpu-rate <computrons/s>', `the board's XS speed in computrons per second of device time (an ESP32-S3 at 240 MHz: ${ESP32S3_COMPUTRONS_PER_SECOND.toLocaleString('en-US')})`, cpuRateOption)
    .action(async (options: { cpuRate?: number; seconds: number; target: string; main: string; quiet?: boolean; xsbug?: string | true; serial?: string; baud?: number; latency: number; speed: number; capture?: { width: number; height: number; fps: number }; record?: number; storage?: string; sdCard?: number; powerCutAt?: number; keys?: string; scenario?: string; data: string }) => {
      if (options.scenario) {
        const scenario = readScenario(options.scenario);
        process.stdout.write(`chaincam sim: ${scenario.name}\n`);
        process.once('SIGINT', () => {
          process.stdout.write(`\ninterrupted (Ctrl-C): what the camera recorded stays on its flash and what the dock stored stays in the store, both in ${options.data}; run the same command again to dock the rest and report it\n`);
          process.exit(130);
        });
        const result = await runShift(scenario, options.data, (line) => process.stdout.write(`${line}\n`));
        if (!result.ok) process.exitCode = 1;
        return;
      }
      if (options.record !== undefined) {
        if (!options.storage) throw new Error('--record needs --storage DIR: the flash the recording is written to');
        await recordRun({ cpuRate: options.cpuRate, seconds: options.record, storage: options.storage, sdCardBytes: options.sdCard, powerCutAt: options.powerCutAt, keys: options.keys, target: options.target, capture: options.capture });
        return;
      }
      const out = process.stdout;
      const started = performance.now();
      let board: SimulatedBoard | undefined;
      let bridge: XsbugBridge | undefined;
      let changes = 0;
      let ran = options.seconds;
      let last = '';
      const print = (t: number, line: string) => {
        const text = `${stamp(t)}  ${line}\n`;
        if (text === last) return; // a sign update is many bus writes at one instant
        last = text;
        out.write(text);
      };
      const printEntry = (entry: TimelineEntry) => {
        const line = describeEntry(entry);
        if (!line) return;
        if (!line.startsWith('sign')) changes++;
        if (!options.quiet) print(entry.t, line);
      };
      // Boot runs before we can follow along: merge its trace and timeline by time.
      let booting: { t: number; order: number; line: string }[] | undefined = [];
      try {
        const target = boardTarget(options.target);
        out.write(`chaincam sim: ${(target.config.board as { name?: string } | undefined)?.name ?? target.name} (${target.platform}) for ${options.seconds} s of virtual time\n`);
        if (options.xsbug !== undefined) {
          const address = options.xsbug === true ? DEFAULT_XSBUG_ADDRESS : options.xsbug;
          bridge = await XsbugBridge.open({
            debuggerAddress: address,
            title: `chaincam sim (${options.target})`,
            onUnhandledBreak: (where, reason) => print(board?.now ?? 0, `xsbug    ${reason.replace(/^# /, '')} at ${where ? `${where.path}:${where.line}` : '?'} (no debugger: continuing)`),
          });
          out.write(bridge.debuggerConnected ? `xsbug: connected to the debugger at ${address}\n` : `xsbug: no debugger listening at ${address} (start xsbug, or give --xsbug HOST:PORT); running without one\n`);
        }
        board = await SimulatedBoard.boot({
          target: options.target,
          cpu: options.cpuRate === undefined ? undefined : { computronsPerSecond: options.cpuRate },
          storage: options.storage ? { dir: options.storage } : undefined,
          // A camera kept between runs or docked over the pty has a battery-backed RTC running on
          // the host's time (a dock still corrects it); a throwaway run starts on a fixed date.
          epochMs: options.storage || options.serial ? Date.now() : undefined,
          sdCard: options.sdCard && options.storage ? { dir: cardDir(options.storage), capacityBytes: options.sdCard } : undefined,
          config: options.capture && captureConfig(options.target, options.capture),
          xsbug: bridge,
          main: options.main.replace(/\.[jt]s$/, ''),
          onTrace: (text, t) => {
            bridge?.trace(text);
            const line = `trace    ${text.replace(/\n$/, '')}`;
            if (booting) booting.push({ t, order: booting.length, line });
            else print(t, line);
          },
        });
        for (const entry of board.timeline.entries) {
          const line = describeEntry(entry);
          if (line) booting.push({ t: entry.t, order: booting.length, line });
        }
        booting.sort((a, b) => a.t - b.t || a.order - b.order);
        for (const { t, line } of booting) {
          if (line.startsWith('trace')) print(t, line);
          else if (!options.quiet) print(t, line);
          if (!line.startsWith('trace') && !line.startsWith('sign')) changes++;
        }
        booting = undefined;
        board.timeline.onRecord(printEntry);
        if (options.serial) {
          // Bridged: virtual time follows wall time (times --speed) so a host on the pty sees a real UART.
          const serial = await SerialBridge.open({ board, path: options.serial, baud: options.baud, latencyMs: options.latency, speed: options.speed });
          const pace = options.speed === 1 ? 'in real time' : `at up to ${options.speed} times real time`;
          out.write(`serial: UART bridged to ${options.serial}${options.baud ? ` at ${options.baud} baud` : ''}; running ${options.seconds} s ${pace} (Ctrl-C ends sooner)\n`);
          out.write(`button: ${BUTTON_KEYS_HELP}\n`);
          const from = board.now;
          serial.start();
          // Ends at --seconds on the board's clock, on Ctrl-C or q, or early if the pty goes away (a pulled cable).
          await bridgedRun(board, serial, from + options.seconds * 1000, serial.done!, print);
          await serial.close();
          await serial.done; // a firmware fault that stopped the bridge
          if (serial.disconnected) {
            process.stderr.write(`chaincam sim: ${serial.disconnected.message}\n`);
            process.exitCode = 1;
            return;
          }
          ran = (board.now - from) / 1000;
        } else {
          // In steps, so that Ctrl-C ends the run between two of them with the board intact.
          let interrupted = false;
          const interrupt = () => { interrupted = true; };
          process.once('SIGINT', interrupt);
          const until = board.now + options.seconds * 1000;
          while (board.now < until && !interrupted) await board.advance(Math.min(1000, until - board.now));
          process.off('SIGINT', interrupt);
          if (interrupted) {
            ran = board.now / 1000;
            out.write(`stopped by Ctrl-C at ${stamp(board.now).trim()} of virtual time\n`);
          }
        }
        const wall = (performance.now() - started) / 1000;
        out.write(`done: ${+ran.toFixed(3)} s of virtual time in ${wall.toFixed(2)} s; ${changes} indicator changes; ${board.computeTotal.toLocaleString('en-US')} computrons; CPU busy ${(board.cpu.busyMs / 1000).toFixed(3)} s at ${board.cpu.computronsPerSecond.toLocaleString('en-US')} computrons/s\n`);
      } catch (error) {
        if (error instanceof FirmwareFault) {
          process.stderr.write(`chaincam sim: ${error.message}\n${error.firmwareStack ? `${error.firmwareStack.replace(/^/gm, '    ')}\n` : ''}`);
          process.exitCode = 3;
          return;
        }
        throw error;
      } finally {
        await board?.close();
        await bridge?.close();
      }
    });
}
