// The dock's progress lines (host-tools/dock/progress-lines.ts): one line per port, printed at the
// start and the end when the output is a log, redrawn in place on a terminal; updates after the
// last byte (receipts, releases) belong to the finished line. Rates and times left depend on the
// host's clock, so only their form is checked.
import assert from 'node:assert/strict';
import { ProgressLines, formatBar } from '../../host-tools/dock/progress-lines.js';

function output(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written };
}

const progress = (doneBytes: number, totalBytes: number, deviceId = 'a1b2c3d4e5f60718a1b2c3d4e5f60718') => ({ deviceId, label: 'officer han', doneBytes, totalBytes });
const LINE = /^(\S+) ([0-9a-f]{8}) officer han \[([#.]{24})\] +(\d+)% (\d+\.\d\d) MB\/(\d+\.\d\d) MB \d+ kB\/s (done|\d+ s left)$/;

describe('progress lines', () => {
  it('to a log: a line when a camera starts and one when its last byte is in, nothing between or after', () => {
    const { out, written } = output(false);
    const lines = new ProgressLines(out);
    lines.update('/dev/ttyACM0', progress(0, 4_000_000));
    lines.update('/dev/ttyACM0', progress(1_000_000, 4_000_000));
    lines.update('/dev/ttyACM0', progress(4_000_000, 4_000_000));
    lines.update('/dev/ttyACM0', progress(4_000_000, 4_000_000));
    lines.update('/dev/ttyACM0', progress(4_500_000, 4_000_000)); // the chain's tail after the releases
    assert.equal(written.length, 2, written.join(''));
    const [start, end] = written.map((w) => LINE.exec(w.replace(/\n$/, ''))!);
    assert.ok(start && end, written.join(''));
    assert.ok(written.every((w) => w.endsWith('\n')));
    assert.deepEqual(start.slice(1, 7), ['/dev/ttyACM0', 'a1b2c3d4', '.'.repeat(24), '0', '0.00', '4.00']);
    assert.deepEqual(end.slice(1, 8), ['/dev/ttyACM0', 'a1b2c3d4', '#'.repeat(24), '100', '4.00', '4.00', 'done']);
    // The next camera on the port starts a new line.
    lines.update('/dev/ttyACM0', progress(0, 2_000_000, 'ffeeddccbbaa99887766554433221100'));
    assert.equal(written.length, 3);
    assert.match(written[2]!, /^\/dev\/ttyACM0 ffeeddcc officer han \[\.{24}\] +0% 0\.00 MB\/2\.00 MB/);
    // A camera with nothing to read is done at once.
    lines.update('/dev/ttyACM1', progress(0, 0));
    assert.equal(written.length, 5);
    assert.match(written[4]!, /^\/dev\/ttyACM1 a1b2c3d4 officer han \[#{24}\] 100% 0\.00 MB\/0\.00 MB 0 kB\/s done\n$/);
  });

  it('a finished port takes a camera with another total as a new one', () => {
    const { out, written } = output(false);
    const lines = new ProgressLines(out);
    lines.update('p', progress(10, 10));
    assert.equal(written.length, 2);
    lines.update('p', progress(20, 20));
    assert.equal(written.length, 4, 'a new start and end line');
    lines.update('p', progress(5, 20));
    assert.equal(written.length, 5, 'the same total, not all of it done: a new camera starting');
    assert.match(written[4]!, / 25% /);
  });

  it('on a terminal: every port redrawn in place, moving up over the lines drawn before', () => {
    const { out, written } = output(true);
    const lines = new ProgressLines(out);
    lines.update('a', progress(0, 100));
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^\x1b\[2Ka [0-9a-f]{8} officer han \[\.{24}\]/);
    assert.ok(!written[0]!.includes('\x1b[1F'), 'nothing drawn before: no move up');
    lines.update('b', progress(100, 100));
    const last = written.at(-1)!;
    assert.ok(last.startsWith('\x1b[1F\x1b[2Ka '), JSON.stringify(last));
    assert.ok(last.includes('\n\x1b[2Kb '), 'both ports, one line each');
    assert.match(last, /b [0-9a-f]{8} officer han \[#{24}\] 100% .* done\n$/);
    lines.update('a', progress(100, 100));
    assert.ok(written.at(-1)!.startsWith('\x1b[2F'), 'two lines up now');
    assert.ok(written.every((w) => w.startsWith('\x1b[')), 'a terminal gets only redraws, never a logged line');
  });

  it('fills the bar in 24ths, never past full, and a total of 0 is full', () => {
    const bar = (done: number, total: number) => formatBar({ label: 'x', done, total, started: performance.now(), finished: false });
    assert.match(bar(50, 100), /\[#{12}\.{12}\] +50% /);
    assert.match(bar(1, 48), /\[#{1}\.{23}\] +2% /);
    assert.match(bar(300, 100), /\[#{24}\] 100% /);
    assert.match(bar(0, 0), /\[#{24}\] 100% /);
    assert.match(bar(1_234_567, 9_876_543), / 1\.23 MB\/9\.88 MB \d+ kB\/s \d+ s left$/);
  });

  it('gives the rate since the bar started and the time left at that rate', () => {
    // Started 2 s ago, 4 MB of 8 MB done: about 2000 kB/s and 2 s left (less if the host stalls
    // between the two lines below, never more).
    const m = / 4\.00 MB\/8\.00 MB (\d+) kB\/s (\d+) s left$/.exec(formatBar({ label: 'x', done: 4e6, total: 8e6, started: performance.now() - 2000, finished: false }));
    assert.ok(m, 'a rate and a time left');
    assert.ok(Number(m[1]) <= 2000 && Number(m[1]) >= 1000, `rate ${m[1]} kB/s`);
    assert.ok(Number(m[2]) >= 2 && Number(m[2]) <= 4, `${m[2]} s left`);
    // No time gone since the start (or a start not yet reached): no rate, no estimate.
    assert.match(formatBar({ label: 'x', done: 4e6, total: 8e6, started: performance.now() + 60_000, finished: false }), / 0 kB\/s 0 s left$/);
  });
});
