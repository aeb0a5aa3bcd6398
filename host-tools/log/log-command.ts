// `chaincam log --port PATH`: reads a debug build's serial output, answers its
// xsbug logins and breaks so it runs on (as xsbug-log does), and prints its
// trace, exceptions and plain output with the time each line arrived.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, createWriteStream, openSync, readFileSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import type { Command } from 'commander';
import { checkSerialPort } from '../flash/serial-port-check.js';
import { frameCommand, SerialFrameDecoder, type SerialEvent } from './serial-framing.js';
import { formatLogLine, logLines, waitsForDebugger, type LogLine } from './xsbug-messages.js';

/** Decodes a whole capture (a file of serial bytes) into the lines `chaincam log` prints. */
export function decodeCapture(bytes: Uint8Array): LogLine[] {
  const decoder = new SerialFrameDecoder();
  return [...decoder.push(bytes), ...decoder.end()].flatMap(logLines);
}

function clock(): string {
  const now = new Date();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
}

function configurePort(port: string, baud: number): void {
  const flag = process.platform === 'darwin' ? '-f' : '-F';
  try {
    execFileSync('stty', [flag, port, String(baud), 'raw', '-echo', '-hupcl'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    throw new Error(`cannot set ${port} to ${baud} baud, raw: ${detail}; check that you may open it (on Linux, join the "dialout" group)`);
  }
}

export function registerLogCommand(program: Command): void {
  program
    .command('log')
    .description("print a debug build's trace and log lines from its serial port, without xsbug")
    .option('--port <path>', "the board's serial port, e.g. /dev/ttyUSB0")
    .option('--baud <n>', 'serial speed: 460800 is what an ESP32 debug build uses on its UART (DEBUGGER_SPEED); USB CDC ports ignore it', (v) => Number(v), 460800)
    .option('--replay <file>', 'decode a captured byte stream instead of a port (arrival times are not in a capture)')
    .option('--record <file>', 'also write every byte read from the port to this file (a capture for --replay)')
    .action(async (options: { port?: string; baud: number; replay?: string; record?: string }) => {
      const out = process.stdout;
      if (options.replay) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(options.replay);
        } catch (error) {
          throw new Error(`cannot read the capture ${options.replay}: ${(error as Error).message}`);
        }
        for (const line of decodeCapture(bytes)) out.write(`${formatLogLine('--:--:--.---', line)}\n`);
        return;
      }
      if (!options.port) throw new Error('give the serial port with --port PATH (or a capture with --replay FILE)');
      const port = options.port;
      const problems = checkSerialPort(port);
      if (problems.length) throw new Error(problems.join('; '));
      configurePort(port, options.baud);
      const fd = openSync(port, constants.O_RDWR | constants.O_NOCTTY);
      const record = options.record ? createWriteStream(options.record) : undefined;
      const decoder = new SerialFrameDecoder();
      const input = tty.isatty(fd) ? new tty.ReadStream(fd) : undefined;
      if (!input) {
        closeSync(fd);
        throw new Error(`${port} is not a terminal device; give the board's serial port`);
      }
      out.write(`chaincam log: reading ${port} at ${options.baud} baud (Ctrl-C to stop)\n`);
      const show = (events: SerialEvent[]) => {
        for (const event of events) {
          for (const line of logLines(event)) out.write(`${formatLogLine(clock(), line)}\n`);
          // A debug build waits at login and at every break until a debugger answers.
          if (event.kind === 'message' && waitsForDebugger(event.xml)) writeSync(fd, frameCommand(event.machine, '<go/>'));
        }
      };
      await new Promise<void>((resolve, reject) => {
        input.on('data', (chunk: Buffer) => {
          record?.write(chunk);
          show(decoder.push(chunk));
        });
        input.on('error', (error) => reject(new Error(`reading ${port} failed: ${error.message}`)));
        input.on('end', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      show(decoder.end());
      input.destroy();
      record?.end();
    });
}
