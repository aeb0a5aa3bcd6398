// The dock's side of forwarding to the records system (host-tools/dock/records-forwarder.ts) at
// its edges: what a forward sends, and each answer it refuses by name; what forwarding again at
// start picks (unreleased, still held, with a chain at the dock holding its record); the window.
// The records system's happy path is test/integration/records-forward.test.ts (real PostgreSQL
// and RADOS Gateway); here the peer is an HTTP server on a loopback port that answers as told,
// with acks signed by a real P-256 records key, for the answers a real records system never gives
// (no JSON, a refusal without a reason) and to see the bytes sent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { RecordsForwarder, forwardUnreleased, forwardWindow } from '../../host-tools/dock/records-forwarder.js';
import { SEGMENTS_PATH, decodeForwardedSegment, type ForwardedSegment } from '../../host-tools/records/records-protocol.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();

interface Heard { method?: string; path?: string; headers: http.IncomingHttpHeaders; segment: ForwardedSegment }

async function recordsPeer(answer: (segment: ForwardedSegment) => { status: number; body: string }) {
  const heard: Heard[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const segment = decodeForwardedSegment(new Uint8Array(Buffer.concat(chunks)));
      heard.push({ method: req.method, path: req.url, headers: req.headers, segment });
      const a = answer(segment);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, heard, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const ackFor = (key: P256KeyPair, dockId: string, digest: string, entry: number) => {
  const ack = `chaincam/records-ack/v1\n${dockId}\n${digest}\n${entry}\n`;
  return JSON.stringify({ ack, signature: toHex(port.p256Sign(key.privateKey, new TextEncoder().encode(ack))) });
};

describe('forwarding to the records system, the dock\'s side', () => {
  const dockKey = generateP256KeyPair(port);
  const recordsKey = generateP256KeyPair(port);
  const NOW = Date.UTC(2026, 5, 1);
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-forwarder-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const segment = (): ForwardedSegment => ({ label: 'BWC-1', cameraPublicKey: generateP256KeyPair(port).publicKey, chain: Uint8Array.of(1, 2, 3), recordSequence: 4, sealed: Uint8Array.of(9, 8, 7, 6) });

  it('POSTs the segment, signed by the dock, and takes the signed ack\'s entry number', async () => {
    const forwarder = new RecordsForwarder('', dockKey, recordsKey.publicKey, port, () => NOW);
    const sent = segment();
    const peer = await recordsPeer((s) => ({ status: 200, body: ackFor(recordsKey, forwarder.dockId, toHex(port.sha256(s.sealed)), 41) }));
    try {
      const at = new RecordsForwarder(peer.url, dockKey, recordsKey.publicKey, port, () => NOW);
      assert.equal(await at.forward(sent), 41);
      const [heard] = peer.heard;
      assert.deepEqual([heard!.method, heard!.path, heard!.headers['content-type'], heard!.headers['x-chaincam-dock'], heard!.headers['x-chaincam-time']],
        ['POST', SEGMENTS_PATH, 'application/octet-stream', forwarder.dockId, String(NOW)]);
      assert.deepEqual(heard!.segment, sent);
    } finally {
      await peer.close();
    }
  });

  it('refuses by name an unreachable records system, an answer with no JSON, a refusal, a 200 without an ack', async () => {
    const gone = await recordsPeer(() => ({ status: 200, body: '{}' }));
    await gone.close();
    await assert.rejects(new RecordsForwarder(gone.url, dockKey, recordsKey.publicKey, port).forward(segment()),
      new RegExp(`^Error: the records system at ${gone.url} cannot be reached \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\); the dock forwards it again later$`));
    await assert.rejects(new RecordsForwarder('not a url', dockKey, recordsKey.publicKey, port).forward(segment()),
      /^Error: the records system at not a url cannot be reached \(Invalid URL\); the dock forwards it again later$/);
    const answers: [number, string, RegExp][] = [
      [502, '<html>bad gateway</html>', /answered 502 with no JSON$/],
      [500, JSON.stringify({ error: 'database down' }), /refused it \(500\): database down$/],
      [403, JSON.stringify({ reason: 'x' }), /refused it \(403\): \{"reason":"x"\}$/],
      [200, JSON.stringify({ error: 'but 200' }), /^the records system answered without an ack and signature$/],
    ];
    for (const [status, body, message] of answers) {
      const peer = await recordsPeer(() => ({ status, body }));
      try {
        await assert.rejects(new RecordsForwarder(peer.url, dockKey, recordsKey.publicKey, port).forward(segment()), (e: Error) => {
          assert.match(e.message, message);
          if (status !== 200) assert.ok(e.message.startsWith(`the records system at ${peer.url} `), e.message);
          return true;
        });
      } finally {
        await peer.close();
      }
    }
  });

  it('forwards again, at start, what the store holds unreleased with a chain at the dock; reports the rest', async () => {
    const store = EvidenceStore.open(path.join(root, 'store'));
    const lines: string[] = [];
    try {
      // Camera A: its first segment stored, the cable pulled at its release (unreleased, its chain staged).
      const a = HostCamera.create('A');
      const [a1] = a.record(1, [1_500, 1_500]);
      const client = a.connect(dockKey.publicKey);
      const request = client.request.bind(client) as (m: any, t: any) => Promise<any>;
      (client as any).request = (m: { type: string }, t: string) => (m.type === 'release' ? Promise.reject(new Error('cable pulled')) : request(m, t));
      await assert.rejects(offloadCamera({ client, store, dockKey, port, log: () => undefined }), /cable pulled/);
      // Camera B: offloaded and released whole: nothing to forward.
      const b = HostCamera.create('B');
      b.record(1, [1_500]);
      await offloadCamera({ client: b.connect(dockKey.publicKey), store, dockKey, port, log: () => undefined });
      const dockId = new RecordsForwarder('', dockKey, recordsKey.publicKey, port).dockId;
      const peer = await recordsPeer((s) => ({ status: 200, body: ackFor(recordsKey, dockId, toHex(port.sha256(s.sealed)), 7) }));
      try {
        const forwarder = new RecordsForwarder(peer.url, dockKey, recordsKey.publicKey, port);
        assert.deepEqual(await forwardUnreleased(store, forwarder, (l) => lines.push(l)), { acked: 1, failed: 0 });
        assert.equal(peer.heard.length, 1);
        const sent = peer.heard[0]!.segment;
        assert.deepEqual([sent.label, sent.recordSequence, toHex(sent.cameraPublicKey)], ['A', a1!.sequence, toHex(a.key.publicKey)]);
        assert.deepEqual(sent.sealed, new Uint8Array(a.evidence.held.get(a1!.sequence)!.bytes));
        assert.deepEqual(sent.chain, new Uint8Array(fs.readFileSync(path.join(store.stagingDir(a.id), 'chain.log'))), 'the staged chain, which holds its record');
        assert.deepEqual(lines, [`records: segment record #${a1!.sequence} of camera ${a.id} acked (records log entry #7); the camera releases it at its next docking`]);

        // The staged chain gone, and none committed for A: nothing to send it with.
        fs.rmSync(path.join(store.stagingDir(a.id), 'chain.log'));
        lines.length = 0;
        assert.deepEqual(await forwardUnreleased(store, forwarder, (l) => lines.push(l)), { acked: 0, failed: 1 });
        assert.deepEqual(lines, [`records: segment ${toHex(a1!.sealedDigest)} of camera ${a.id}: no chain at the dock holds its record; it is forwarded at the camera's next docking`]);
        // A staged chain too short to hold the record, or whose record there is another (another
        // camera's chain), is no chain for it either.
        const quiet = HostCamera.create('C'); // a record there that is no segment: a checkpoint
        quiet.event({ type: 'recording-stop', recording: 1, stopReason: 1 });
        for (const chain of [a.evidence.chain.subarray(0, 8), b.evidence.chain, quiet.evidence.chain]) {
          fs.writeFileSync(path.join(store.stagingDir(a.id), 'chain.log'), chain);
          assert.deepEqual(await forwardUnreleased(store, forwarder, () => undefined), { acked: 0, failed: 1 });
        }
        assert.equal(peer.heard.length, 1, 'nothing more sent');

        // The committed chain holds it: A released it to another dock, then docked here again.
        const otherKey = generateP256KeyPair(port);
        const other = EvidenceStore.open(path.join(root, 'other'));
        try {
          await offloadCamera({ client: a.connect(otherKey.publicKey), store: other, dockKey: otherKey, port, log: () => undefined });
        } finally {
          other.close();
        }
        fs.rmSync(path.join(store.stagingDir(a.id), 'chain.log'));
        await offloadCamera({ client: a.connect(dockKey.publicKey), store, dockKey, port, log: () => undefined });
        fs.rmSync(path.join(store.stagingDir(a.id), 'chain.log'));
        assert.deepEqual(await forwardUnreleased(store, forwarder, () => undefined), { acked: 1, failed: 0 });
        assert.deepEqual(peer.heard.at(-1)!.segment.chain, new Uint8Array(fs.readFileSync(path.join(store.cameraDir(a.id)!, 'chain.log'))), 'the committed chain');
      } finally {
        await peer.close();
      }
      // Its chain back, the records system unreachable: counted failed, said why; the object gone: skipped.
      fs.writeFileSync(path.join(store.stagingDir(a.id), 'chain.log'), a.evidence.chain);
      lines.length = 0;
      const down = new RecordsForwarder(peer.url, dockKey, recordsKey.publicKey, port);
      assert.deepEqual(await forwardUnreleased(store, down, (l) => lines.push(l)), { acked: 0, failed: 1 });
      assert.match(lines[0]!, new RegExp(`^records: segment record #${a1!.sequence} of camera ${a.id} not forwarded: the records system at .* cannot be reached`));
      fs.rmSync(store.objectPath(toHex(a1!.sealedDigest)));
      assert.deepEqual(await forwardUnreleased(store, down, () => undefined), { acked: 0, failed: 0 });
    } finally {
      store.close();
    }
  });

  it('keeps at most `window` forwards under way: each starts once the one `window` places before it settled, either way', async () => {
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const results = forwardWindow([0, 1, 2, 3, 4], 2, (i) => {
      started.push(i);
      return new Promise<number>((resolve, reject) => { finish[i] = () => (i === 0 ? reject(new Error('first failed')) : resolve(i * 10)); });
    });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await tick();
    assert.deepEqual(started, [0, 1]);
    finish[1]!();
    await tick();
    assert.deepEqual(started, [0, 1, 3], 'the second settled: the fourth starts');
    finish[0]!();
    await tick();
    assert.deepEqual(started, [0, 1, 3, 2], 'the first failed: the third starts all the same');
    finish[3]!();
    await tick();
    assert.deepEqual(started, [0, 1, 3, 2], 'the fifth waits for the third');
    finish[2]!();
    await tick();
    assert.deepEqual(started, [0, 1, 3, 2, 4]);
    finish[4]!();
    await assert.rejects(results[0]!, /first failed/);
    assert.deepEqual(await Promise.all(results.slice(1)), [10, 20, 30, 40]);
  });
});
