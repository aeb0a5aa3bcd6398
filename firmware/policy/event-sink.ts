// Where the recorder and notice controller put what happened. The evidence
// chain implements it on the camera; until a chain is attached, events go to trace.
import type { ChainEvent } from '../format/chain-events.js';

export type RecorderEvent = ChainEvent;

export interface EventSink {
  record(event: RecorderEvent): void;
}
