// Lines a tool logs or a child process prints, and a wait for the first line that matches: a
// test waits for the event itself, never polls against a deadline (mocha's timeout stops a hang).
export class LogWatch {
  readonly lines: string[] = [];
  #waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  #partial = '';

  /** One whole line. */
  readonly push = (line: string): void => {
    this.lines.push(line);
    this.#waiters = this.#waiters.filter((w) => !(w.pattern.test(line) && (w.resolve(line), true)));
  };

  /** A chunk of a stream (a child's stdout): split into lines. */
  readonly write = (chunk: string | Buffer): void => {
    const parts = (this.#partial + String(chunk)).split('\n');
    this.#partial = parts.pop()!;
    for (const line of parts) this.push(line);
  };

  /** Everything so far, as printed. */
  get text(): string {
    return this.lines.map((l) => `${l}\n`).join('') + this.#partial;
  }

  /** The first line, logged already or later, that matches. */
  until(pattern: RegExp): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }

  /** The first line logged from now on that matches (lines logged already do not count). */
  next(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }

  has(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(l));
  }
}
