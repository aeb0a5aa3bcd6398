// Does the chain a camera offers extend the one the store holds? (docs/STORE.md section 5.) A
// chain only grows, so the camera's tail must link onto the held chain. If it does not, the dock
// reads the camera's whole chain, compares it record by record, and names what happened: a rollback (records it had signed are gone,
// and only boot and docking records follow the older head) or a fork (it recorded otherwise).
import { bytesEqual } from '../../firmware/format/bytes.js';
import { readChainLog, type ChainLogFrame } from '../../firmware/format/chain-log.js';
import { decodeRecord } from '../../firmware/format/chain-records.js';

/** Records any camera adds by booting and docking: after a rollback, these alone follow the old head. */
function isHousekeeping(frame: ChainLogFrame): boolean {
  try {
    const record = decodeRecord(frame.body);
    return record.kind === 'checkpoint' || (record.kind === 'event' && ['power-on', 'dock-session', 'clock-set'].includes(record.event.type));
  } catch {
    return false;
  }
}

export interface HeldChain {
  bytes: Uint8Array;
  frames: ChainLogFrame[];
}

export function heldChain(bytes: Uint8Array): HeldChain {
  return { bytes, frames: readChainLog(bytes).frames };
}

export interface Discontinuity {
  kind: 'rollback' | 'fork';
  heldRecords: number;
  heldHead: Uint8Array;
  offeredRecords: number;
  offeredHead: Uint8Array;
  /** The first record that differs (for a rollback, the first record that is gone). */
  divergence: number;
  text: string;
}

const sameFrame = (a: ChainLogFrame, b: ChainLogFrame) => bytesEqual(a.body, b.body) && bytesEqual(a.storedLink, b.storedLink);

/** Compares the camera's whole chain with the held one; undefined when it extends it after all. */
export function compareChains(deviceId: string, held: HeldChain, offeredBytes: Uint8Array): Discontinuity | undefined {
  const offered = readChainLog(offeredBytes).frames;
  let divergence = 0;
  while (divergence < held.frames.length && divergence < offered.length && sameFrame(held.frames[divergence]!, offered[divergence]!)) divergence++;
  if (divergence === held.frames.length) return undefined;
  const heldHead = held.frames.at(-1)!.storedLink;
  const offeredHead = offered.at(-1)?.storedLink ?? new Uint8Array(32);
  const base = { heldRecords: held.frames.length, heldHead, offeredRecords: offered.length, offeredHead, divergence };
  if (offered.slice(divergence).every(isHousekeeping)) {
    return {
      ...base, kind: 'rollback',
      text: `camera ${deviceId} was rolled back: its chain agrees with the ${held.frames.length} records the store holds only up to record #${divergence - 1}; ` +
        `records #${divergence}..#${held.frames.length - 1}, which it had signed and the dock had stored, are gone from it` +
        (offered.length > divergence ? ` (it has since added ${offered.length - divergence} boot and docking records)` : ''),
    };
  }
  return {
    ...base, kind: 'fork',
    text: `camera ${deviceId} offers a forked chain: ${offered.length} records that agree with the ${held.frames.length} the store holds up to record #${divergence - 1} ` +
      `and differ from record #${divergence} on${offered.length > held.frames.length ? ' (a longer fork)' : offered.length < held.frames.length ? ' (a shorter fork)' : ''}`,
  };
}
