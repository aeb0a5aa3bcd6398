// A TCP relay on loopback between a dock and a records server, that can hold the server's
// replies: a test holds them while the server commits a segment, then kills the server, so
// the ack it sent never reaches the dock (its connection closes with the reply still held).
import net from 'node:net';

interface Relayed { client: net.Socket; held: Buffer[] }

export class TcpRelay {
  readonly #targetPort: number;
  readonly #relayed = new Set<Relayed>();
  readonly #server: net.Server;
  #holding = false;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = net.createServer((client) => this.#relay(client));
  }

  /** A relay to 127.0.0.1:targetPort (the target may come and go: each connection is made anew). */
  static async start(targetPort: number): Promise<TcpRelay> {
    const relay = new TcpRelay(targetPort);
    await new Promise<void>((resolve, reject) => {
      relay.#server.once('error', reject);
      relay.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  get url(): string { return `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`; }

  /** From now on the server's bytes stay here, on every connection. */
  holdReplies(): void {
    this.#holding = true;
  }

  /** The server's bytes go through again, those held first. */
  passReplies(): void {
    this.#holding = false;
    for (const r of this.#relayed) for (const chunk of r.held.splice(0)) r.client.write(chunk);
  }

  /** Bytes held so far (a test's check that a reply was indeed in flight). */
  get heldBytes(): number {
    let bytes = 0;
    for (const r of this.#relayed) for (const chunk of r.held) bytes += chunk.length;
    return bytes;
  }

  #relay(client: net.Socket): void {
    const upstream = net.connect(this.#targetPort, '127.0.0.1');
    const relayed: Relayed = { client, held: [] };
    this.#relayed.add(relayed);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (this.#holding) relayed.held.push(chunk);
      else client.write(chunk);
    });
    // Either side closing closes the other; what was held for a server gone is dropped.
    upstream.on('close', () => {
      this.#relayed.delete(relayed);
      if (relayed.held.length) client.destroy();
      else client.end();
    });
    client.on('close', () => upstream.destroy());
  }

  async close(): Promise<void> {
    for (const r of this.#relayed) r.client.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
