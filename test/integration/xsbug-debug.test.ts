import fs from 'node:fs';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { FirmwareModules } from '../../host-tools/sim/firmware-modules.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { XsbugBridge } from '../../host-tools/sim/xsbug-bridge.js';
import { XsbugPaths } from '../../host-tools/sim/xsbug-paths.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';

/**
 * A minimal xsbug: listens like xsbug (TCP), reads `<xsbug>` messages from the
 * machine that logs in and sends it commands, as xsbug's protocol does
 * (tools/xsbug-log/xsbug-machine.js is the reference client).
 */
class XsbugPeer {
  readonly server = net.createServer((socket) => this.#accept(socket));
  readonly messages: string[] = [];
  #socket: net.Socket | undefined;
  #buffer = '';
  #waiters: { test: (m: string) => boolean; resolve: (m: string) => void }[] = [];
  onLogin: (peer: XsbugPeer) => void = (peer) => peer.send('<go/>');

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  send(command: string): void {
    this.#socket!.write(`\r\n${command}\r\n`);
  }

  /** The next message (already received or still to come) that passes the test. */
  next(test: (message: string) => boolean): Promise<string> {
    const index = this.messages.findIndex(test);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0]!);
    // No deadline of its own: mocha's timeout stops a run whose message never comes.
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  close(): void {
    this.#socket?.destroy();
    this.server.close();
  }

  #accept(socket: net.Socket): void {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.#buffer += text;
      let end: number;
      while ((end = this.#buffer.indexOf('</xsbug>\r\n')) >= 0) {
        const message = this.#buffer.slice(0, end + 8).trim();
        this.#buffer = this.#buffer.slice(end + 10);
        if (message.includes('<login ')) this.onLogin(this);
        const waiter = this.#waiters.find((w) => w.test(message));
        if (waiter) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        } else this.messages.push(message);
      }
    });
  }
}

const breakOf = (message: string) => {
  const match = /<break path="([^"]*)" line="(\d+)">([^<]*)<\/break>/.exec(message);
  return match ? { path: match[1], line: Number(match[2]), text: match[3]!.trim() } : undefined;
};

/** The TypeScript line of firmware/main.ts that traces "ready": a line with code, after boot's work. */
const READY_LINE = fs.readFileSync(path.join(projectRoot, 'firmware/main.ts'), 'utf8').split('\n').findIndex((l) => l.includes('ready (profile')) + 1;
/** A blank line in firmware/main.ts (no code) and the line with code right after it. */
const MAIN_LINES = fs.readFileSync(path.join(projectRoot, 'firmware/main.ts'), 'utf8').split('\n');
const CODE_AFTER_COMMENT = MAIN_LINES.findIndex((l) => l.startsWith('const FIRMWARE_VERSION')) + 1;
const COMMENT_LINE = CODE_AFTER_COMMENT - 1;

describe('xsbug on the simulated board (debug build of xsnap-worker, bridged to a debugger over TCP)', function () {
  const main = path.join(projectRoot, 'firmware/main.ts');
  const player = path.join(projectRoot, 'firmware/notice/led-pattern-player.ts');
  let peer: XsbugPeer;
  let bridge: XsbugBridge;
  let board: SimulatedBoard | undefined;
  const traces: string[] = [];

  beforeEach(async () => {
    peer = new XsbugPeer();
    bridge = await XsbugBridge.open({ debuggerAddress: await peer.listen(), title: 'chaincam test' });
    traces.length = 0;
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    await bridge.close();
    peer.close();
  });

  it('breaks on a TypeScript line of firmware/main.ts set at login, reports its path and line, and resumes', async () => {
    // READY_LINE is the "ready" trace; its compiled JavaScript line differs.
    assert.notEqual(new FirmwareModules({}).compile('firmware/main.ts').lines.indexOf(READY_LINE - 1) + 1, READY_LINE);
    // (No "exceptions" breakpoint: the store's boot scan throws and catches on purpose.)
    peer.onLogin = (p) => p.send(`<set-all-breakpoints><breakpoint path="${main}" line="${READY_LINE}"/></set-all-breakpoints>`);
    const booting = SimulatedBoard.boot({ xsbug: bridge, onTrace: (text) => (traces.push(text), bridge.trace(text)) });
    const login = await peer.next((m) => m.includes('<login '));
    assert.match(login, /<login name="chaincam test" value="XS"\/>/);
    const stop = breakOf(await peer.next((m) => m.includes('<break')));
    assert.deepEqual(stop, { path: main, line: READY_LINE, text: '# Break: breakpoint!' });
    // Stopped before the line ran: the power-on event was traced, "ready" was not.
    assert.equal(traces.some((t) => t.includes('ready')), false);
    peer.send('<go/>');
    board = await booting;
    assert.ok(traces.some((t) => t.startsWith('chaincam: LILYGO T-Camera Plus S3 ready')));
    // trace() also reaches xsbug's console, as on a device's debug build.
    await peer.next((m) => /<log>chaincam: LILYGO T-Camera Plus S3 ready/.test(m));
    await board.advance(3000);
    assert.equal(peer.messages.filter((m) => m.includes('<break')).length, 0);
  });

  it('takes a breakpoint set while the firmware runs, stops in a timer callback at virtual time, and clears it', async () => {
    // Virtual times to the millisecond: an ideal CPU (the board's budgets are tested elsewhere).
    board = await SimulatedBoard.boot({ xsbug: bridge, cpu: IDEAL_CPU });
    assert.equal(board.now, 241);
    const synced = bridge.breakpointsSynced();
    peer.send(`<set-breakpoint path="${player}" line="46" id="@0"/>`); // this.#led.write(...)
    await synced; // XS has read it (an event, not a pause on the host's clock)
    const advancing = board.advance(500);
    const stop = breakOf(await peer.next((m) => m.includes('<break')));
    assert.deepEqual(stop, { path: player, line: 46, text: '# Break: breakpoint!' });
    peer.send('<step/>');
    const stepped = breakOf(await peer.next((m) => m.includes('<break')));
    assert.deepEqual({ path: stepped?.path, line: stepped?.line }, { path: player, line: 52 }); // the try block's next statement
    peer.send(`<clear-breakpoint path="${player}" line="46" id="@0"/>`);
    peer.send('<go/>');
    await advancing;
    assert.equal(board.now, 741);
    assert.equal(board.timeline.levels('led').length > 0, true, 'the light blinked (the LILYGO\'s lamp on its sign)');
    await board.advance(4000);
    assert.equal(peer.messages.filter((m) => m.includes('<break')).length, 0, 'no break after the breakpoint was cleared');
  });

  it('runs on without a debugger: a break continues at once and trace still reaches the console', async () => {
    const unhandled: string[] = [];
    const lonely = await XsbugBridge.open({ debuggerAddress: '127.0.0.1:1', connectTimeoutMs: 500, onUnhandledBreak: (where, reason) => unhandled.push(`${where?.path}:${where?.line} ${reason}`) });
    try {
      assert.equal(lonely.debuggerConnected, false);
      const output: string[] = [];
      const solo = await SimulatedBoard.boot({ xsbug: lonely, main: 'test/fixtures/firmware/debugger-statement', onTrace: (text) => output.push(text) });
      await solo.advance(1000);
      await solo.close();
      assert.deepEqual(output, ['before\n', 'after\n']);
      assert.deepEqual(unhandled, [`${path.join(projectRoot, 'test/fixtures/firmware/debugger-statement.ts')}:6 # Break: debugger!`]);
    } finally {
      await lonely.close();
    }
  });
});

describe('chaincam sim --xsbug (the command a developer runs)', function () {
  const chaincam = path.join(projectRoot, 'bin/chaincam.js');
  before(function () {
    // host-tools/sim/sim-command.ts gains --xsbug when its owner wires XsbugBridge in.
    if (!/--xsbug/.test(spawnSync(process.execPath, [chaincam, 'sim', '--help'], { encoding: 'utf8' }).stdout)) this.skip();
  });

  it('attaches to a debugger, stops at a breakpoint on the ready line of firmware/main.ts, resumes and finishes', async () => {
    const peer = new XsbugPeer();
    const address = await peer.listen();
    peer.onLogin = (p) => p.send(`<set-all-breakpoints><breakpoint path="${path.join(projectRoot, 'firmware/main.ts')}" line="${READY_LINE}"/></set-all-breakpoints>`);
    const child = spawn(process.execPath, [chaincam, 'sim', '--seconds', '2', '--xsbug', address], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const stop = breakOf(await peer.next((m) => m.includes('<break')));
      assert.deepEqual(stop, { path: path.join(projectRoot, 'firmware/main.ts'), line: READY_LINE, text: '# Break: breakpoint!' });
      assert.doesNotMatch(stdout, /ready/);
      peer.send('<go/>');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`xsbug: connected to the debugger at ${address}`));
      assert.match(stdout, /trace {4}chaincam: LILYGO T-Camera Plus S3 ready/);
      await peer.next((m) => m.includes('<log>chaincam: LILYGO T-Camera Plus S3 ready'));
    } finally {
      child.kill();
      peer.close();
    }
  });

  it('without a debugger listening, says so and runs on with its trace on the console', () => {
    const run = spawnSync(process.execPath, [chaincam, 'sim', '--seconds', '1', '--xsbug', '127.0.0.1:1', '--main', 'test/fixtures/firmware/debugger-statement'], { encoding: 'utf8', timeout: HANG_STOP_MS });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /xsbug: no debugger listening at 127\.0\.0\.1:1/);
    assert.match(run.stdout, /trace {4}before[\s\S]*debugger-statement\.ts:6 \(no debugger: continuing\)[\s\S]*0\.500 s {2}trace {4}after/);
  });
});

describe('xsbug paths and lines (XS sees repository paths and JavaScript lines)', () => {
  const paths = new XsbugPaths(new FirmwareModules({}), projectRoot);
  it('maps every TypeScript line with code to a JavaScript line and back', () => {
    const file = 'firmware/notice/led-pattern-player.ts';
    const absolute = path.join(projectRoot, file);
    for (const tsLine of [17, 29, 36, 44, 46, 53]) {
      const inWorker = paths.toWorker({ path: absolute, line: tsLine });
      assert.equal(inWorker.path, file);
      assert.deepEqual(paths.toDebugger(inWorker), { path: absolute, line: tsLine });
    }
  });
  it('moves a breakpoint on a line without code (a blank line) to the next line that has some', () => {
    const main = paths.toWorker({ path: path.join(projectRoot, 'firmware/main.ts'), line: COMMENT_LINE });
    assert.deepEqual(paths.toDebugger(main), { path: path.join(projectRoot, 'firmware/main.ts'), line: CODE_AFTER_COMMENT });
  });
  it('leaves paths outside the compiled modules alone', () => {
    assert.deepEqual(paths.toWorker({ path: '/elsewhere/x.ts', line: 3 }), { path: '/elsewhere/x.ts', line: 3 });
    assert.deepEqual(paths.toDebugger({ path: 'host-tools/sim/moddable/bootstrap.ts', line: 7 }), { path: 'host-tools/sim/moddable/bootstrap.ts', line: 7 });
  });
});
