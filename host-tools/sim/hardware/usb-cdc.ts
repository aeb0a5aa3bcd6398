// The ESP32-S3's full-speed USB CDC-ACM link as the simulated board models it beside its UART
// (serial-bridge.ts): bytes leave at a sustained rate, in 64-byte bulk packets, and each
// direction adds one USB frame of latency. Figures (docs/ARCHITECTURE.md, "The dock port"):
// - full speed is 12 Mbit/s on the wire (USB 2.0); the ESP32-S2/S3 do full speed only
//   (espressif/esp-iot-solution#120);
// - an ESP32-S3 sending as a CDC-ACM device measured ~560 KiB/s with stock TinyUSB and about
//   1 MB/s with its FIFO use tuned (espressif/esp-idf#11161); over 5 Mbit/s (IDF TinyUSB) and
//   over 7 Mbit/s (Arduino USB-CDC) sending 4 MiB (atomic14, usb-cdc-speed-test, 2025);
// - the host polls a full-speed bulk endpoint at most once per 1 ms frame, so a short reply
//   waits up to a frame each way.
// The model takes 1,000,000 bytes a second (the tuned figure; the stock one is about half) and
// 1 ms each way: the goodput benchmark reports the dock's share of that modelled link.

export interface LinkModel {
  /** What the link is, for reports. */
  name: string;
  /** Sustained bytes a second each way. */
  bytesPerSecond: number;
  /** Added to every delivery, each way (ms). */
  latencyMs: number;
  /** Bytes move in units of this many (a USB bulk packet); 1 for a UART. */
  packetBytes: number;
}

export const USB_FULL_SPEED_CDC: LinkModel = Object.freeze({ name: 'USB full-speed CDC-ACM', bytesPerSecond: 1_000_000, latencyMs: 1, packetBytes: 64 });

/** A UART at `baud`: 10 bit times a byte (start, 8 data, stop), and a USB-serial adapter's latency. */
export function uartLink(baud: number, latencyMs = 2): LinkModel {
  return { name: `UART ${baud} baud`, bytesPerSecond: baud / 10, latencyMs, packetBytes: 1 };
}
