// Netstrings ("LEN:bytes,"), the framing xsnap-worker speaks on fds 3 and 4.

export function encodeNetstring(parts: Uint8Array[]): Buffer {
  const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
  return Buffer.concat([Buffer.from(`${length}:`), ...parts, Buffer.from(',')]);
}

/** Splits a byte stream into netstring payloads; throws on malformed input. */
export class NetstringReader {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const messages: Buffer[] = [];
    for (;;) {
      const colon = this.#pending.indexOf(0x3a);
      if (colon < 0) {
        if (this.#pending.length > 20) throw new Error('xsnap protocol error: netstring length is not a number');
        break;
      }
      const header = this.#pending.subarray(0, colon).toString('latin1');
      if (!/^\d+$/.test(header)) throw new Error(`xsnap protocol error: bad netstring length "${header.slice(0, 20)}"`);
      const length = Number(header);
      const end = colon + 1 + length;
      if (this.#pending.length < end + 1) break;
      if (this.#pending[end] !== 0x2c) throw new Error('xsnap protocol error: netstring is not terminated by ","');
      messages.push(this.#pending.subarray(colon + 1, end));
      this.#pending = this.#pending.subarray(end + 1);
    }
    return messages;
  }
}
