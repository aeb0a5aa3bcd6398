import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeCapture } from '../../host-tools/log/log-command.js';
import { frameCommand, frameMachineEnd, frameMessage, SerialFrameDecoder, type SerialEvent } from '../../host-tools/log/serial-framing.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { runSubcommand } from '../support/run-subcommand.js';

const FIXTURE = path.join(projectRoot, 'test/fixtures/serial/sim-debug-boot.bin');

function decodeInChunks(bytes: Buffer, size: number): SerialEvent[] {
  const decoder = new SerialFrameDecoder();
  const events: SerialEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...decoder.push(bytes.subarray(i, i + size)));
  return [...events, ...decoder.end()];
}

describe('chaincam log: a debug build\'s serial stream (xsbug frames and plain output)', () => {
  const stream = Buffer.concat([
    Buffer.from('<?xs-00000000?>\r\nrst:0x1 (POWERON_RESET),boot:0x13\r\nI (31) boot: ESP-IDF v6.0\r\n'),
    frameMessage('3FFB2A10', '\r\n<xsbug><login name="main" value="XS 17.2.0 64 32 0 0"/></xsbug>\r\n'),
    frameMessage('3FFB2A10', '\r\n<xsbug><log>녹화 중 &lt;1&gt;&#10;second line&#10;</log></xsbug>\r\n'),
    Buffer.from('plain text with <?xs but no frame\r\n'),
    frameMessage('3FFB2A10', '\r\n<xsbug><log path="/src/main.ts" line="9"># Exception: main: RangeError: bad!&#10;</log></xsbug>\r\n'),
    Buffer.concat([Buffer.from('\r\n<?xs#3FFB2A10?>\r\n'), Buffer.from([0, 3, 9, 8, 7])]),
    frameMessage('3FFB2A10', '\r\n<xsbug><frames><frame name="f" value="@1" path="/src/main.ts" line="4"/></frames><break path="/src/main.ts" line="4"># Break: debugger!&#10;</break></xsbug>\r\n'),
    frameMachineEnd('3FFB2A10'),
    Buffer.from('after'),
  ]);

  it('separates frames from plain lines the same way whatever size the reads are', () => {
    const whole = decodeInChunks(stream, stream.length);
    for (const size of [1, 2, 3, 7, 16, 64]) assert.deepEqual(decodeInChunks(stream, size), whole, `reads of ${size} bytes`);
    assert.deepEqual(
      whole.map((e) => e.kind),
      ['restart', 'output', 'output', 'message', 'message', 'output', 'message', 'binary', 'message', 'machine-end', 'output'],
    );
    const binary = whole.find((e) => e.kind === 'binary');
    assert.deepEqual(binary, { kind: 'binary', machine: '3FFB2A10', bytes: new Uint8Array([9, 8, 7]) });
  });

  it('turns messages into trace, exception, break and login lines, with UTF-8 and XML entities decoded', () => {
    const lines = decodeCapture(stream).map((l) => [l.kind, l.text, l.path ? `${l.path}:${l.line}` : ''].join('|'));
    assert.deepEqual(lines, [
      'restart|device restarted|',
      'output|rst:0x1 (POWERON_RESET),boot:0x13|',
      'output|I (31) boot: ESP-IDF v6.0|',
      'login|XS machine 3FFB2A10 "main" logged in (XS 17.2.0 64 32 0 0)|',
      'trace|녹화 중 <1>|',
      'trace|second line|',
      'output|plain text with <?xs but no frame|',
      'exception|main: RangeError: bad|/src/main.ts:9',
      'break|debugger|/src/main.ts:4',
      'machine-end|XS machine 3FFB2A10 ended|',
      'output|after|',
    ]);
  });

  it('answers a machine in the framing its receive loop expects', () => {
    assert.equal(frameCommand('3FFB2A10', '<go/>').toString('latin1'), '\r\n<?xs.3FFB2A10?>\r\n<go/>\r\n');
  });

  it('decodes the committed capture of the simulator\'s debug build into its trace lines', () => {
    const lines = decodeCapture(readFileSync(FIXTURE));
    const kinds = lines.map((l) => l.kind);
    assert.deepEqual(kinds, ['restart', 'output', 'login', 'trace', 'break', 'trace', 'machine-end', 'output']);
    const traces = lines.filter((l) => l.kind === 'trace').map((l) => l.text);
    assert.deepEqual(traces, ['event {"t":0,"type":"power-on","resetReason":1,"firmwareVersion":"0.1.0"}', 'chaincam: LILYGO T-Camera Plus S3 ready (profile kr-2024)']);
    const stop = lines.find((l) => l.kind === 'break')!;
    assert.match(stop.path!, /\/firmware\/main\.ts$/);
    assert.equal(stop.line, 15); // the TypeScript line of the breakpoint, not the compiled JavaScript's
  });

  it('prints the capture through the command line with --replay', () => {
    const run = runSubcommand('host-tools/log/log-command.ts', 'registerLogCommand', ['log', '--replay', FIXTURE]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /--:--:--\.--- {2}trace {7}chaincam: LILYGO T-Camera Plus S3 ready \(profile kr-2024\)/);
    assert.match(run.stdout, /break {7}breakpoint {2}\(.*firmware\/main\.ts:15\)/);
    assert.doesNotMatch(run.stdout, /<xsbug>|<\?xs/);
  });
});
