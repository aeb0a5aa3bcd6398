// The proof, handed to the capture side, that notice is on for a recording
// (Art. 10-6(1)), or that its absence was recorded first (Art. 10-6(2)).
// Capture keeps a frame only while it holds a live token.

/** Notice channels as bits, the same bits chain records carry (docs/FORMAT.md). */
export const NOTICE_CHANNELS = Object.freeze({ led: 0b001, tone: 0b010, display: 0b100 });
export const ALL_NOTICE_CHANNELS = 0b111;

export class NoticeToken {
  // A private field, not a module-level WeakSet of live tokens: xsl freezes a Map, Set, WeakMap
  // or WeakSet of a preloaded module, so on the device add() would throw "read-only WeakSet".
  // Private fields stay writable in a frozen object, and `#live in token` refuses a look-alike.
  #live = true;
  readonly recording: number;
  /** Board ticks when every working channel was on. */
  readonly issuedAt: number;
  /** Channels that were confirmed on. */
  readonly channelsOn: number;
  /** 0 when notice was given; otherwise an Art. 10-6(2) reason code already in the chain. */
  readonly noticeReason: number;

  private constructor(recording: number, issuedAt: number, channelsOn: number, noticeReason: number) {
    this.recording = recording;
    this.issuedAt = issuedAt;
    this.channelsOn = channelsOn;
    this.noticeReason = noticeReason;
    Object.freeze(this);
  }

  /**
   * Only the notice controller issues tokens. A token with channels missing must
   * carry the reason that the caller has already written to the chain.
   */
  static issue(recording: number, issuedAt: number, channelsOn: number, noticeReason: number): NoticeToken {
    if (channelsOn !== ALL_NOTICE_CHANNELS && noticeReason === 0) {
      throw new Error(`notice token for recording ${recording}: channels 0b${channelsOn.toString(2)} are not all on and no notice-not-given reason was recorded`);
    }
    return new NoticeToken(recording, issuedAt, channelsOn, noticeReason);
  }

  static revoke(token: NoticeToken | undefined): void {
    if (token) token.#live = false;
  }

  get live(): boolean {
    return this.#live;
  }

  /** Throws unless frames of `recording` may be kept now. */
  static check(token: NoticeToken | undefined, recording: number): void {
    if (!token || !(#live in token) || !token.#live) throw new Error(`frame refused: no live notice token for recording ${recording} (notice must be on first)`);
    if (token.recording !== recording) throw new Error(`frame refused: the notice token is for recording ${token.recording}, not ${recording}`);
  }
}
