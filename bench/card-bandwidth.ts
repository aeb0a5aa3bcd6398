// Frames kept for want of card bandwidth, under the device CPU model (card writes block the XS
// thread for their bus time): VGA 10 fps on SPI (the S3 targets' slot) and SVGA 20 fps on SPI and
// on 4-bit SDMMC (an S3 board wired for SDMMC: none of our S3 targets is; the ESP32-CAM's 1-line
// SDMMC is a classic ESP32 the simulator does not model). Simulated sensor JPEGs.
import { measureBudget } from '../host-tools/budget/board-budget.js';
import type { SdBus } from '../host-tools/sim/hardware/sd-card.js';

export async function cardBandwidth(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const runs: [string, { width: number; height: number; fps: number }, SdBus][] = [
    ['VGA 10 fps, SPI', { width: 640, height: 480, fps: 10 }, 'spi'],
    ['SVGA 20 fps, SPI', { width: 800, height: 600, fps: 20 }, 'spi'],
    ['SVGA 20 fps, 4-bit SDMMC', { width: 800, height: 600, fps: 20 }, 'sdmmc-4bit'],
  ];
  for (const [label, capture, cardBus] of runs) {
    const d = await measureBudget({ target: 'lilygo_t_camera_plus_s3', recordSeconds: 10, capture, cardBus });
    figures[`${label}: frames kept per second (of ${capture.fps})`] = d.budget.framesKeptPerSecond;
    figures[`${label}: CPU load`] = d.budget.cpuLoad;
    figures[`${label}: card write ms per s`] = Math.round((d.nativeMs[`sd-${cardBus}`] ?? 0) / d.recordedSeconds);
  }
  return figures;
}
