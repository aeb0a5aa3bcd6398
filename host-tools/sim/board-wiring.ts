// Which GPIO each board target wires to what (its vendor's pin map), and which pins chaincam's
// manifest config and the Moddable target's provider claim on it: one net per pin, or a conflict.
// Checked for every target by test/unit/pin-conflicts.test.ts, since no build and no simulated
// board would notice a display select wired to the SD card's.
import { readManifest } from './targets.js';

/** A pin as the board wires it: the net's name. Pins not listed are free (header pins, unused). */
type Nets = Readonly<Record<number, string>>;

const ESP32S3_FIXED: Nets = {
  19: 'USB D-', 20: 'USB D+',
  26: 'SPI flash', 27: 'SPI flash', 28: 'SPI flash', 29: 'SPI flash', 30: 'SPI flash', 31: 'SPI flash', 32: 'SPI flash',
};

export interface BoardWiring {
  source: string;
  nets: Nets;
  /** embedded:provider/builtin's pins (Moddable's host/provider.js), by the net each is. */
  provider: Readonly<Record<string, { pin: number; net: string }>>;
}

export const BOARD_WIRING: Readonly<Record<string, BoardWiring>> = {
  lilygo_t_camera_plus_s3: {
    source: "LILYGO's libraries/private_library/pin_config.h, T_CameraPlus_S3_V1_0_V1_1 (github Xinyuan-LilyGO/T-CameraPlus-S3), and Moddable's target defines.camera",
    nets: {
      ...ESP32S3_FIXED,
      0: 'BOOT button', 1: 'I2C SDA', 2: 'I2C SCL', 3: 'camera RESET', 4: 'camera VSYNC', 5: 'camera HREF', 6: 'camera D7', 7: 'camera XCLK',
      8: 'camera D6', 9: 'camera D5', 10: 'camera PCLK', 11: 'camera D4', 12: 'camera D0', 13: 'camera D3', 14: 'camera D1', 15: 'camera D2',
      16: 'AP1511B IR-cut filter (FBC)', 17: 'KEY1 button', 18: 'microphone BCLK', 21: 'SD CS', 33: 'LCD RST', 34: 'LCD CS',
      35: 'SPI MOSI', 36: 'SPI SCLK', 37: 'SPI MISO', 38: 'MAX98357A DIN', 39: 'microphone WS', 40: 'microphone DATA',
      41: 'MAX98357A BCLK', 42: 'MAX98357A LRCLK', 43: 'UART TX', 44: 'UART RX', 45: 'LCD DC', 46: 'LCD backlight',
      47: 'touch/PMU INT', 48: 'touch RST',
    },
    provider: {
      button: { pin: 17, net: 'KEY1 button' }, 'I2C data': { pin: 1, net: 'I2C SDA' }, 'I2C clock': { pin: 2, net: 'I2C SCL' },
      'SPI clock': { pin: 36, net: 'SPI SCLK' }, 'SPI in': { pin: 37, net: 'SPI MISO' }, 'SPI out': { pin: 35, net: 'SPI MOSI' },
      'Serial transmit': { pin: 43, net: 'UART TX' }, 'Serial receive': { pin: 44, net: 'UART RX' },
    },
  },
  xiao_esp32s3_sense: {
    source: "Seeed's XIAO ESP32S3 Sense pin map (camera, microphone and SD card on the Sense board) and Moddable's target defines.camera / audioIn",
    nets: {
      ...ESP32S3_FIXED,
      0: 'BOOT button', 7: 'SPI SCLK', 8: 'SPI MISO', 9: 'SPI MOSI', 10: 'camera XCLK', 11: 'camera D6', 12: 'camera D5', 13: 'camera PCLK',
      14: 'camera D4', 15: 'camera D0', 16: 'camera D3', 17: 'camera D1', 18: 'camera D2', 21: 'SD CS (and the user LED)', 38: 'camera VSYNC',
      39: 'camera SCL', 40: 'camera SDA', 41: 'microphone DATA', 42: 'microphone CLK', 47: 'camera HREF', 48: 'camera D7',
    },
    provider: {
      button: { pin: 0, net: 'BOOT button' }, led: { pin: 21, net: 'SD CS (and the user LED)' }, 'I2C data': { pin: 5, net: 'I2C SDA' }, 'I2C clock': { pin: 6, net: 'I2C SCL' },
      'SPI clock': { pin: 7, net: 'SPI SCLK' }, 'SPI in': { pin: 8, net: 'SPI MISO' }, 'SPI out': { pin: 9, net: 'SPI MOSI' },
      'Serial transmit': { pin: 43, net: 'UART TX' }, 'Serial receive': { pin: 44, net: 'UART RX' },
    },
  },
  esp32cam: {
    source: 'the AI-Thinker ESP32-CAM schematic, as targets/esp32cam/README.md and host/provider.js give it',
    nets: {
      0: 'camera XCLK', 1: 'UART TX', 3: 'UART RX', 2: 'SD DAT0', 4: 'flash LED (SD DAT1)', 5: 'camera D0', 12: 'SD DAT2', 13: 'SD DAT3',
      14: 'SD CLK', 15: 'SD CMD', 16: 'PSRAM', 17: 'PSRAM', 18: 'camera D1', 19: 'camera D2', 21: 'camera D3', 22: 'camera PCLK', 23: 'camera HREF',
      25: 'camera VSYNC', 26: 'camera SDA', 27: 'camera SCL', 32: 'camera PWDN', 33: 'red LED', 34: 'camera D6', 35: 'camera D7', 36: 'camera D4', 39: 'camera D5',
    },
    provider: {
      led: { pin: 33, net: 'red LED' }, button: { pin: 12, net: 'button' }, buzzer: { pin: 13, net: 'buzzer' },
      'I2C data': { pin: 26, net: 'camera SDA' }, 'I2C clock': { pin: 27, net: 'camera SCL' },
      'Serial transmit': { pin: 1, net: 'UART TX' }, 'Serial receive': { pin: 3, net: 'UART RX' },
    },
  },
};

export interface PinClaim {
  pin: number;
  /** Who drives it: "config.board.display.select", "provider button", ... */
  by: string;
  /** What the claimant takes the pin to be; a claim on a free pin makes it that. */
  net: string;
}

/**
 * A claim's net that is what the board wires there under another name: an LED on the board's own
 * LED, the card's select on the XIAO's SD CS (which also lights its user LED), a buzzer on the
 * DAT3 line and a button on the DAT2 line a 1-line SD card leaves unused (drivers/sd-card/README.md).
 */
const SAME_AS: Readonly<Record<string, readonly string[]>> = {
  LED: ['red LED'],
  'SD CS': ['SD CS (and the user LED)'],
  buzzer: ['SD DAT3'],
  button: ['SD DAT2'],
};

/** Every claim on a pin for a platform: the board's wiring, the provider, the manifest's config. */
export function pinClaims(target: string): PinClaim[] {
  const wiring = BOARD_WIRING[target];
  if (!wiring) throw new Error(`no wiring known for the board target "${target}"; add it to host-tools/sim/board-wiring.ts`);
  const section = readManifest().platforms?.[`esp32/${target}`];
  if (!section || section.error) throw new Error(`manifest.json has no platforms["esp32/${target}"] section`);
  const config = (section.config ?? {}) as Record<string, any>;
  const board = (config.board ?? {}) as Record<string, any>;
  const claims: PinClaim[] = Object.entries(wiring.nets).map(([pin, net]) => ({ pin: Number(pin), by: 'the board', net }));
  const claim = (pin: unknown, by: string, net: string) => {
    if (typeof pin === 'number' && pin >= 0) claims.push({ pin, by, net });
  };
  // The app's config.board names the pin for a channel the provider also names (chaincam's LED on D1, not the XIAO's user LED).
  for (const [name, p] of Object.entries(wiring.provider)) if (typeof board[name] !== 'number') claim(p.pin, `provider ${name}`, p.net);
  claim(board.led, 'config.board.led', 'LED');
  claim(board.buzzer, 'config.board.buzzer', 'buzzer');
  const speaker = board.speaker as Record<string, unknown> | undefined;
  if (speaker) {
    claim(speaker.bitClock, 'config.board.speaker.bitClock', 'MAX98357A BCLK');
    claim(speaker.wordSelect, 'config.board.speaker.wordSelect', 'MAX98357A LRCLK');
    claim(speaker.data, 'config.board.speaker.data', 'MAX98357A DIN');
  }
  const display = board.display as Record<string, unknown> | undefined;
  if (display?.kind === 'st7789') {
    claim(display.select, 'config.board.display.select', 'LCD CS');
    claim(display.dc, 'config.board.display.dc', 'LCD DC');
    claim(display.reset, 'config.board.display.reset', 'LCD RST');
    claim(display.backlight, 'config.board.display.backlight', 'LCD backlight');
  }
  const card = board.sdCard as Record<string, any> | undefined;
  if (card?.bus === 'spi') {
    claim(card.clock, 'config.board.sdCard.clock', 'SPI SCLK');
    claim(card.mosi, 'config.board.sdCard.mosi', 'SPI MOSI');
    claim(card.miso, 'config.board.sdCard.miso', 'SPI MISO');
    claim(card.select, 'config.board.sdCard.select', 'SD CS');
  } else if (card?.bus === 'sdmmc') {
    claim(card.clock, 'config.board.sdCard.clock', 'SD CLK');
    claim(card.command, 'config.board.sdCard.command', 'SD CMD');
    ((card.data ?? []) as number[]).forEach((pin, i) => claim(pin, `config.board.sdCard.data[${i}]`, `SD DAT${i}`));
  }
  const uart = (config.dock as Record<string, any> | undefined)?.uart;
  if (uart) {
    claim(uart.transmit, 'config.dock.uart.transmit', 'UART TX');
    claim(uart.receive, 'config.dock.uart.receive', 'UART RX');
  }
  return claims;
}

/** Every pin with claims on different nets, as "GPIO n: net (by) / net (by)". */
export function pinConflicts(target: string, claims = pinClaims(target)): string[] {
  const byPin = new Map<number, PinClaim[]>();
  for (const c of claims) byPin.set(c.pin, [...(byPin.get(c.pin) ?? []), c]);
  const conflicts: string[] = [];
  for (const [pin, list] of [...byPin].sort((a, b) => a[0] - b[0])) {
    const nets = new Set(list.map((c) => c.net));
    for (const [net, alike] of Object.entries(SAME_AS)) if (nets.has(net)) for (const other of alike) nets.delete(other);
    if (nets.size > 1) conflicts.push(`GPIO ${pin}: ${list.map((c) => `${c.net} (${c.by})`).join(' / ')}`);
  }
  return conflicts;
}
