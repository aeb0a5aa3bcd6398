// What a camera says it holds (LIST, every page), held to the bounds a broken or hostile camera
// could break (docs/PROTOCOL.md section 9), and whether the store's disk can take it.
import fs from 'node:fs';
import { toHex } from '../../firmware/format/bytes.js';
import { MAX_LIST_ENTRIES, type ListEntry } from '../../firmware/format/dock-messages.js';
import type { DockClient } from './dock-client.js';

/** A READ's length is a u32: no object the dock reads may be longer. */
export const MAX_SEGMENT_BYTES = 0xffff_ffff;
/** The smallest chain.log frame: length, a record header and one byte, link (FORMAT.md section 5). */
const MIN_FRAME_BYTES = 4 + 14 + 1 + 32;

/**
 * LIST, every page, with the bounds a hostile or broken camera could break: every page moves
 * forward, no more pages than its records allow, no record or digest twice, lengths a READ can carry.
 */
export async function listHeldSegments(client: DockClient): Promise<{ entries: ListEntry[]; chainLength: number }> {
  const entries: ListEntry[] = [];
  const digests = new Set<string>();
  let chainLength = 0;
  let maxPages = 1;
  for (let from = 0, pages = 0; ; pages++) {
    if (pages >= maxPages) throw new Error(`${client.where}: the camera's LIST goes on past ${pages} pages (it holds at most ${maxPages * MAX_LIST_ENTRIES} records' worth); refusing it, nothing read`);
    const page = await client.request({ type: 'list', fromSequence: from }, 'list-reply');
    chainLength = page.chainLength;
    if (chainLength > MAX_SEGMENT_BYTES) throw new Error(`${client.where}: the camera declares a chain.log of ${chainLength} bytes, more than a READ can carry (${MAX_SEGMENT_BYTES}); refusing it, nothing read`);
    // Every record takes at least MIN_FRAME_BYTES of chain.log: a count beyond that is a lie.
    if (page.records > Math.max(0, chainLength - 8) / MIN_FRAME_BYTES) throw new Error(`${client.where}: the camera declares ${page.records} records in a chain.log of ${chainLength} bytes, which cannot hold them; refusing it, nothing read`);
    maxPages = Math.ceil(page.records / MAX_LIST_ENTRIES) + 1;
    if (page.entries.length > MAX_LIST_ENTRIES) throw new Error(`${client.where}: a LIST page of ${page.entries.length} entries (at most ${MAX_LIST_ENTRIES}); refusing it`);
    for (const entry of page.entries) {
      const digest = toHex(entry.sealedDigest);
      if (entry.sequence < from || entry.sequence >= page.records) throw new Error(`${client.where}: the camera listed segment record #${entry.sequence} out of order or beyond its ${page.records} records; refusing it, nothing read`);
      if (digests.has(digest)) throw new Error(`${client.where}: the camera listed segment ${digest} twice (record #${entry.sequence}); refusing it, nothing read or released`);
      if (entry.sealedLength < 1 || entry.sealedLength > MAX_SEGMENT_BYTES) throw new Error(`${client.where}: the camera declares segment record #${entry.sequence} ${entry.sealedLength} bytes long, beyond what a READ can carry (${MAX_SEGMENT_BYTES}); refusing it, nothing read`);
      digests.add(digest);
      entries.push(entry);
      from = entry.sequence + 1;
    }
    if (!page.more || !page.entries.length) break;
  }
  return { entries, chainLength };
}

/** Refuses before reading when the store's disk cannot take what the camera holds. */
export function checkFreeSpace(dir: string, bytes: number, deviceId: string): void {
  let free: number;
  try {
    const stats = fs.statfsSync(dir);
    free = stats.bavail * stats.bsize;
  } catch {
    return; // No statfs here: the writes themselves report a full disk.
  }
  if (free < bytes * 2 + 1_000_000) {
    throw new Error(`the disk holding the evidence store ${dir} is full: camera ${deviceId} holds ${(bytes / 1e6).toFixed(1)} MB to stage and store, ${(free / 1e6).toFixed(1)} MB are free; ` +
      'free space or move the store, then dock again. Nothing was read or released; the camera keeps its footage');
  }
}
