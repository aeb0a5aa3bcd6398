// Booting the signage fixture on each board target. The display wiring is what
// manifest.json's per-platform config.board.display should say.
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { signPanel } from '../../host-tools/sim/peripherals.js';
import { Ssd1306Panel } from '../../host-tools/sim/hardware/ssd1306-panel.js';
import { St7789Panel } from '../../host-tools/sim/hardware/st7789-panel.js';
import { boardTarget } from '../../host-tools/sim/targets.js';

export const SIGN_DISPLAYS = {
  lilygo_t_camera_plus_s3: { kind: 'st7789', width: 240, height: 240, select: 34, dc: 45, reset: 33, backlight: 46 },
  xiao_esp32s3_sense: { kind: 'ssd1306', width: 128, height: 64, address: 0x3c },
} as const;

export type SignTarget = keyof typeof SIGN_DISPLAYS;

export interface ScenarioStep {
  at: number;
  show?: { kind: string; ground?: number; reason?: string; percentFree?: number; condition?: number };
  selfTest?: boolean;
}

export async function bootSignage(target: SignTarget, steps: ScenarioStep[], display: Record<string, unknown> = {}): Promise<SimulatedBoard> {
  const base = boardTarget(target).config as { board?: Record<string, unknown> };
  // The tests look at the glass at each step's instant: an ideal CPU draws at once. How long a
  // draw takes at the ESP32-S3's rate is in chaincam budget (button to notice).
  return SimulatedBoard.boot({
    target,
    cpu: IDEAL_CPU,
    main: 'test/fixtures/firmware/signage-scenario',
    config: { board: { ...base.board, display: { ...SIGN_DISPLAYS[target], ...display } }, signageScenario: { steps } },
  });
}

export function st7789Of(board: SimulatedBoard): St7789Panel {
  const panel = signPanel(board);
  if (!(panel instanceof St7789Panel)) throw new Error(`${board.target.name} has no ST7789 panel`);
  return panel;
}

export function ssd1306Of(board: SimulatedBoard): Ssd1306Panel {
  const panel = signPanel(board);
  if (!(panel instanceof Ssd1306Panel)) throw new Error(`${board.target.name} has no SSD1306 panel`);
  return panel;
}
