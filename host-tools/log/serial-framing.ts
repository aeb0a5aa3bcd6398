// How a Moddable debug build shares one serial line between plain output
// (ROM and ESP-IDF logs, printf) and the xsbug protocol, as xs/platforms/esp/
// xsPlatform.c writes it and serial2xsbug reads it:
//   "\r\n<?xs.XXXXXXXX?>" + "\r\n<xsbug>...</xsbug>\r\n"   a message from machine XXXXXXXX (hex)
//   "\r\n<?xs-XXXXXXXX?>\r\n"                              that machine ended; 00000000: the device restarted
//   "\r\n<?xs#XXXXXXXX?>\r\n" + 2-byte length + bytes       a binary message
// The host answers a machine with "\r\n<?xs.XXXXXXXX?>" followed by commands.
// Everything else is plain output, line by line.

export type SerialEvent =
  | { kind: 'output'; text: string }
  | { kind: 'message'; machine: string; xml: string }
  | { kind: 'machine-end'; machine: string }
  | { kind: 'restart' }
  | { kind: 'binary'; machine: string; bytes: Uint8Array };

const PI_START = Buffer.from('<?xs');
const PI_LENGTH = 15; // <?xs + separator + 8 hex digits + ?>
const MESSAGE_END = Buffer.from('</xsbug>');
const CRLF = Buffer.from('\r\n');
/** A message longer than this is not one: give its bytes back as plain output. */
const MAX_MESSAGE = 1 << 20;

export class SerialFrameDecoder {
  #pending: Buffer = Buffer.alloc(0);
  #mode: { kind: 'plain' } | { kind: 'message'; machine: string } | { kind: 'binary'; machine: string } = { kind: 'plain' };
  readonly #decoder = new TextDecoder('utf-8');
  /** A frame's closing CR LF may arrive in a later read than the frame. */
  #skipCrlf = false;

  /** Feeds bytes as they arrive; returns what they completed. */
  push(chunk: Uint8Array): SerialEvent[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : Buffer.from(chunk);
    const events: SerialEvent[] = [];
    while (this.#step(events));
    return events;
  }

  /** End of input: whatever is left is plain output. */
  end(): SerialEvent[] {
    const events: SerialEvent[] = [];
    if (this.#pending.length) this.#plain(this.#pending, events, true);
    this.#pending = Buffer.alloc(0);
    this.#mode = { kind: 'plain' };
    return events;
  }

  #step(events: SerialEvent[]): boolean {
    if (this.#skipCrlf) {
      if (this.#pending.length < 2 && (this.#pending.length === 0 || this.#pending[0] === 0x0d)) return false;
      this.#pending = skipCrlf(this.#pending);
      this.#skipCrlf = false;
    }
    const pending = this.#pending;
    const mode = this.#mode;
    if (mode.kind === 'message') {
      const end = pending.indexOf(MESSAGE_END);
      if (end < 0) {
        if (pending.length <= MAX_MESSAGE) return false;
        this.#mode = { kind: 'plain' };
        return true;
      }
      const start = pending.indexOf('<xsbug>');
      const body = pending.subarray(start >= 0 && start < end ? start + 7 : 0, end);
      events.push({ kind: 'message', machine: mode.machine, xml: this.#decoder.decode(body) });
      this.#pending = pending.subarray(end + MESSAGE_END.length);
      this.#skipCrlf = true;
      this.#mode = { kind: 'plain' };
      return true;
    }
    if (mode.kind === 'binary') {
      if (pending.length < 2) return false;
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) return false;
      events.push({ kind: 'binary', machine: mode.machine, bytes: new Uint8Array(pending.subarray(2, 2 + length)) });
      this.#pending = pending.subarray(2 + length);
      this.#mode = { kind: 'plain' };
      return true;
    }
    let at = -1;
    let match: RegExpExecArray | null = null;
    for (let from = 0; (at = pending.indexOf(PI_START, from)) >= 0; from = at + 1) {
      if (pending.length < at + PI_LENGTH) return false; // the instruction is still arriving
      match = /^<\?xs([.#-])([0-9A-Fa-f]{8})\?>$/.exec(pending.subarray(at, at + PI_LENGTH).toString('latin1'));
      if (match) break; // (a "<?xs" that is not an instruction is plain text)
    }
    if (at < 0 || !match) {
      let cut = pending.lastIndexOf(0x0a) + 1; // complete lines only
      // Hold back an empty last line before what may be the start of "<?xs": that CR LF belongs to a frame.
      const tail = pending.subarray(cut);
      if (PI_START.subarray(0, tail.length).equals(tail) && cut >= 2 && pending[cut - 2] === 0x0d && (cut === 2 || pending[cut - 3] === 0x0a)) cut -= 2;
      if (cut > 0) this.#plain(pending.subarray(0, cut), events, false);
      this.#pending = pending.subarray(cut);
      return false;
    }
    // The CR LF before the instruction belongs to the frame, not to the plain text.
    let before = pending.subarray(0, at);
    if (before.subarray(-2).equals(CRLF)) before = before.subarray(0, -2);
    if (before.length) this.#plain(before, events, true);
    const [, separator, machine] = match as unknown as [string, string, string];
    const rest = pending.subarray(at + PI_LENGTH);
    if (separator === '.') {
      this.#mode = { kind: 'message', machine: machine.toUpperCase() };
      this.#pending = rest;
    } else if (separator === '#') {
      this.#mode = { kind: 'binary', machine: machine.toUpperCase() };
      this.#pending = rest;
      this.#skipCrlf = true;
    } else {
      events.push(/^0{8}$/.test(machine) ? { kind: 'restart' } : { kind: 'machine-end', machine: machine.toUpperCase() });
      this.#pending = rest;
      this.#skipCrlf = true;
    }
    return true;
  }

  /** Plain bytes to output lines; a last line without newline is emitted only when `whole`. */
  #plain(bytes: Buffer, events: SerialEvent[], whole: boolean): void {
    let start = 0;
    for (;;) {
      const newline = bytes.indexOf(0x0a, start);
      if (newline < 0) break;
      events.push({ kind: 'output', text: this.#decoder.decode(bytes.subarray(start, newline)).replace(/\r$/, '') });
      start = newline + 1;
    }
    if (start < bytes.length) {
      const tail = this.#decoder.decode(bytes.subarray(start)).replace(/\r$/, '');
      if (whole || tail.length) events.push({ kind: 'output', text: tail });
    }
  }
}

function skipCrlf(bytes: Buffer): Buffer {
  return bytes.subarray(0, 2).equals(CRLF) ? bytes.subarray(2) : bytes;
}

/** What a device writes for one xsbug message (XS's echo buffer already has its CR LFs). */
export function frameMessage(machine: string, message: string): Buffer {
  return Buffer.from(`\r\n<?xs.${machine}?>${message}`, 'utf8');
}

/** What a device writes when a machine ends, or (machine 00000000) when it restarts. */
export function frameMachineEnd(machine: string): Buffer {
  return Buffer.from(`\r\n<?xs-${machine}?>\r\n`, 'latin1');
}

/** A command from the host to one machine, as the device's receive loop expects it. */
export function frameCommand(machine: string, command: string): Buffer {
  return Buffer.from(`\r\n<?xs.${machine}?>\r\n${command}\r\n`, 'utf8');
}
