// Records what a debug build of the firmware writes on its serial port, from the
// simulated board's debug build (xsnap-worker -O0 -g) through the device's own
// framing (serial-framing.ts), for `chaincam log` tests:
//   npx tsx host-tools/log/record-serial-fixture.ts test/fixtures/serial/sim-debug-boot.bin
// The run: power on; a debugger of ours logs in, sets a breakpoint on
// firmware/main.ts's "ready" trace line, continues from it; 5 virtual seconds.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../sim/project-root.js';
import { SimulatedBoard } from '../sim/board.js';
import { XsbugBridge } from '../sim/xsbug-bridge.js';
import { frameMachineEnd, frameMessage } from './serial-framing.js';

// A device names its machine by its address; the simulated board has none, so a fixed one.
const MACHINE = '3FFB2A10';
const BREAKPOINT = {
  path: path.join(projectRoot, 'firmware/main.ts'),
  line: fs.readFileSync(path.join(projectRoot, 'firmware/main.ts'), 'utf8').split('\n').findIndex((l) => l.includes('ready (profile')) + 1,
};

export async function recordDebugBoot(seconds = 5): Promise<Buffer> {
  const chunks: Buffer[] = [Buffer.from('<?xs-00000000?>\r\n', 'latin1')];
  const plain = (line: string) => chunks.push(Buffer.from(`${line}\r\n`, 'utf8'));
  // The peer xsbug would be: breakpoints at login, then "go" after every break.
  const peer = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf('</xsbug>\r\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 10);
        if (message.includes('<login ')) socket.write(`\r\n<set-all-breakpoints><breakpoint path="${BREAKPOINT.path}" line="${BREAKPOINT.line}"/></set-all-breakpoints>\r\n`);
        else if (message.includes('<break')) socket.write('\r\n<go/>\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', () => resolve()));
  const bridge = await XsbugBridge.open({
    debuggerAddress: `127.0.0.1:${(peer.address() as net.AddressInfo).port}`,
    onTranscript: (text, direction) => {
      // A device never sends <eval> (its modules are preloaded); the simulator's script sources stay out.
      if (direction === 'from-worker' && !text.includes('<xsbug><eval ')) chunks.push(frameMessage(MACHINE, text));
    },
  });
  let board: SimulatedBoard | undefined;
  try {
    plain('chaincam sim: simulated board powered on (xsnap-worker debug build)');
    board = await SimulatedBoard.boot({ xsbug: bridge, onTrace: (text) => bridge.trace(text) });
    await board.advance(seconds * 1000);
  } finally {
    await board?.close();
    await bridge.close();
    peer.close();
  }
  chunks.push(frameMachineEnd(MACHINE));
  plain(`chaincam sim: simulated board powered off after ${seconds} s of virtual time`);
  return Buffer.concat(chunks);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const file = process.argv[2];
  if (!file) throw new Error('give the fixture file to write, e.g. test/fixtures/serial/sim-debug-boot.bin');
  const bytes = await recordDebugBoot();
  writeFileSync(file, bytes);
  process.stdout.write(`wrote ${bytes.length} bytes to ${file}\n`);
}
