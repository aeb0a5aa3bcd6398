// Listens to a simulated board's UART and decodes the dock link in both directions: what the
// camera transmits, as it leaves the camera (before any pty), and what the camera received.
// The cable-pull tests pull at a chosen frame with it and count the DATA the camera re-sent.
import { DockFrameReader, LARGEST_ENCODED } from '../../firmware/format/dock-frames.js';
import { decodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';

export interface DockLinkTap {
  /** A message the camera put on the line; `wireBytes` is its frame's length on the wire. */
  sent?: (message: DockMessage, wireBytes: number) => void;
  /** A message that reached the camera whole (a frame cut by a pull never does). */
  received?: (message: DockMessage) => void;
}

export function tapDockLink(board: SimulatedBoard, tap: DockLinkTap): void {
  const uartPort = board.target.provider.Serial.port ?? 0;
  let wireBytes = 0;
  // The camera's DATA frames are as large as HELLO agreed (up to 32 KB of data): read them as a dock does.
  const fromCamera = new DockFrameReader((payload) => tap.sent?.(decodeDockMessage(payload), wireBytes), LARGEST_ENCODED);
  // One reader for the whole run, as the camera has: a half frame left by a pull spoils the next one there too.
  const toCamera = new DockFrameReader((payload) => {
    try {
      tap.received?.(decodeDockMessage(payload));
    } catch {
      // The camera answers a malformed request with ERROR; the tests only follow valid ones.
    }
  });
  board.timeline.onRecord((entry) => {
    if (entry.kind !== 'serial' || entry.port !== uartPort) return;
    if (entry.direction === 'rx') return toCamera.push(entry.bytes);
    // The camera writes one whole frame per UART write (DockSerialLink).
    wireBytes = entry.bytes.length;
    fromCamera.push(entry.bytes);
  });
}
