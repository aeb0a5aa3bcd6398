// `chaincam records serve`: the records system's HTTP server (node:http). Docks POST the segments
// they store to /v1/segments, each request signed with the dock's P-256 key (records-protocol.ts);
// only enrolled docks are heard, a request's time must be within five minutes of the server's and
// its nonce new (a replay is refused). The answer is the records system's signed ack, which the
// dock waits for before it lets the camera release the segment.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import type { RecordsDb } from './records-db.js';
import { IngestRefusal, RecordsIngest, type SignedRequest } from './records-ingest.js';
import { IngestTrace } from './records-ingest-trace.js';
import type { RecordsKey } from './records-log.js';
import { recordsId } from './records-log.js';
import type { RecordsObjectStore } from './records-objects.js';
import { REQUEST_WINDOW_MS, SEGMENTS_PATH, requestMessage } from './records-protocol.js';

/** A sealed segment is at most a few tens of MB (FORMAT.md); a larger body is refused unread. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** How long an idle dock connection stays open. */
const KEEP_ALIVE_MS = 120_000;

export interface RecordsServerOptions {
  db: RecordsDb;
  objects: RecordsObjectStore;
  key: RecordsKey;
  port: CryptoPort;
  log?: (line: string) => void;
  /** The web page (records-web.ts): it answers every path outside /v1/. */
  web?: { handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> };
}

export class RecordsServer {
  readonly server: http.Server;
  readonly ingest: RecordsIngest;
  readonly #o: RecordsServerOptions;
  readonly #trace?: IngestTrace;
  /** Enrolled docks' public keys, as the stations table gave them. */
  readonly #enrolled = new Map<string, { dock_public_key: string }>();
  /** When old nonces were last purged (they only need keeping for twice the request window). */
  #purgedAt = 0;

  constructor(o: RecordsServerOptions) {
    this.#o = o;
    this.#trace = IngestTrace.fromEnvironment();
    this.ingest = new RecordsIngest(o.db, o.objects, o.key, o.port, this.#trace);
    this.server = http.createServer((req, res) => void this.#handle(req, res));
    // A dock's HTTP client reuses an idle connection until shortly before the server's keep-alive
    // timeout (5 s by default). Under load its timers run late, it sends on a connection this side
    // just closed, and the forward fails with "other side closed" (50 docks at once did, every
    // run). Idle connections are kept far longer than any dock waits between two forwards.
    this.server.keepAliveTimeout = KEEP_ALIVE_MS;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    try {
      if (this.#o.web && !(req.url ?? '').startsWith('/v1/') && await this.#o.web.handle(req, res)) return;
      if (req.method === 'GET' && req.url === '/v1/health') {
        reply(200, { records: toHex(recordsId(this.#o.port, this.#o.key.publicKey)) });
        return;
      }
      if (req.method !== 'POST' || req.url !== SEGMENTS_PATH) throw new IngestRefusal(404, `no ${req.method} ${req.url} here (docks POST ${SEGMENTS_PATH})`);
      const trace = this.#trace;
      const body = trace ? await trace.time('read body', () => readBody(req)) : await readBody(req);
      const request = trace ? await trace.time('request signature', () => this.#authenticate(req, body)) : await this.#authenticate(req, body);
      const ack = await this.ingest.storeForwarded(request, body);
      reply(200, ack);
      trace?.segmentDone();
    } catch (error) {
      const status = error instanceof IngestRefusal ? error.status : 503;
      const message = error instanceof Error ? error.message : String(error);
      this.#o.log?.(`refused ${req.method} ${req.url} (${status}): ${message}`);
      if (!res.headersSent) reply(status, { error: message });
      else res.destroy();
    }
  }

  /**
   * The dock's signature over method, path, body digest, time and nonce, by an enrolled dock. That
   * the nonce is new is checked where it is recorded, in the ingest's first round trip.
   */
  async #authenticate(req: http.IncomingMessage, body: Uint8Array): Promise<SignedRequest> {
    const header = (name: string) => {
      const value = req.headers[name];
      if (typeof value !== 'string') throw new IngestRefusal(401, `the request has no ${name} header: it must be signed by an enrolled dock`);
      return value;
    };
    const dockId = header('x-chaincam-dock');
    const timeText = header('x-chaincam-time');
    const nonce = header('x-chaincam-nonce');
    const signature = header('x-chaincam-signature');
    if (!/^[0-9a-f]{32}$/.test(dockId) || !/^[0-9a-f]{32}$/.test(nonce) || !/^[0-9a-f]{128}$/.test(signature) || !/^[0-9]{1,16}$/.test(timeText)) {
      throw new IngestRefusal(401, 'the request signature headers are malformed');
    }
    // An enrolment is for good (the log has no entry that ends one), so a dock's key is read once.
    let station = this.#enrolled.get(dockId);
    if (!station) {
      station = await this.#o.db.one<{ dock_public_key: string }>('SELECT dock_public_key FROM stations WHERE dock_id = $1', [dockId]);
      if (station) this.#enrolled.set(dockId, station);
    }
    if (!station) throw new IngestRefusal(403, `dock ${dockId} is not enrolled with this records system (chaincam records enrol-dock)`);
    const time = Number(timeText);
    const message = requestMessage(req.method!, req.url!, toHex(this.#o.port.sha256(body)), time, nonce);
    if (!this.#o.port.p256Verify(Buffer.from(station.dock_public_key, 'hex'), message, Buffer.from(signature, 'hex'))) {
      throw new IngestRefusal(401, `the request signature does not verify with dock ${dockId}'s enrolled key`);
    }
    const now = this.#o.db.now();
    if (Math.abs(now - time) > REQUEST_WINDOW_MS) throw new IngestRefusal(401, `the request time is ${Math.round((time - now) / 1000)} s from the records system's clock (at most ${REQUEST_WINDOW_MS / 1000} s): set the dock's clock`);
    if (now - this.#purgedAt > REQUEST_WINDOW_MS) {
      this.#purgedAt = now;
      await this.#o.db.pool.query('DELETE FROM ingest_nonces WHERE seen_at < $1', [now - 2 * REQUEST_WINDOW_MS]);
    }
    return { dockId, nonce };
  }
}

async function readBody(req: http.IncomingMessage): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY_BYTES) throw new IngestRefusal(413, `a body of ${declared} bytes is larger than ${MAX_BODY_BYTES}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new IngestRefusal(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
