// The microSD card at boot: mount it (drivers/sd-card), check whose footage it holds, and say in
// one condition code what the camera can do with it. Only a ready card gets footage; any other
// condition refuses recordings (nothing recorded that could not be kept) and the sign says why.
import { mountSdCard, type SdCardConfig } from '../../drivers/sd-card/sd-card.js';
import { deriveDeviceId } from '../format/chain.js';
import { CARD_CONDITION, EvidenceStore, cardOwnership, type EvidenceStoreOptions, type StoreVolume } from './evidence-store.js';

/** The board's card slot as manifest.json's config.board.sdCard gives it. */
export type CardSlot = SdCardConfig;

export interface CardAtBoot {
  volume: StoreVolume | undefined;
  condition: number;
  detail: string;
}

export function openCardVolume(config: SdCardConfig, deviceId: Uint8Array): CardAtBoot {
  let volume: StoreVolume;
  try {
    const card = mountSdCard(config);
    volume = { files: card.files, root: card.root };
  } catch (error) {
    const problem = (error as { problem?: string }).problem;
    const condition = problem === 'absent' ? CARD_CONDITION.absent : problem === 'unformatted' ? CARD_CONDITION.unformatted : CARD_CONDITION.failing;
    return { volume: undefined, condition, detail: (error as Error).message };
  }
  if (cardOwnership(volume, deviceId) === 'foreign') return { volume: undefined, condition: CARD_CONDITION.foreign, detail: "the SD card holds another camera's footage" };
  return { volume, condition: CARD_CONDITION.ready, detail: 'SD card ready' };
}

/** What the officer is told when a start is refused for the card's condition; undefined when it can record. */
export function cardRefusal(condition: number | undefined): string | undefined {
  switch (condition) {
    case undefined:
    case CARD_CONDITION.ready: return undefined;
    case CARD_CONDITION.absent: return 'no SD card in the slot; insert the camera\'s card';
    case CARD_CONDITION.unformatted: return 'the SD card is not formatted (FAT32); format it at the dock';
    case CARD_CONDITION.full: return 'the SD card is full; dock the camera to offload';
    case CARD_CONDITION.removed: return 'the SD card was removed; insert it and restart the camera';
    case CARD_CONDITION.foreign: return "the SD card holds another camera's footage; dock that camera, or insert this camera's card";
    default: return 'the SD card is failing; replace it';
  }
}

/**
 * Opens the evidence store with its footage on the card that `sdCard` describes (undefined: a
 * board without a card slot keeps footage on littlefs). Give recordBoot card.condition so
 * the card's state goes on the chain with the boot, under its checkpoint.
 */
export function openStoreWithCard(options: Omit<EvidenceStoreOptions, 'card'>, sdCard: SdCardConfig | undefined): { store: EvidenceStore; card: CardAtBoot | undefined } {
  const card = sdCard ? openCardVolume(sdCard, deriveDeviceId(options.port, options.keys.publicKey)) : undefined;
  return { store: EvidenceStore.open({ ...options, card: card?.volume }), card };
}

/**
 * The card's pins that the board config also gives to the LED, buzzer or sign (each is a
 * sentence for the boot trace). Published pin maps put the XIAO ESP32S3 Sense's card select on
 * its user LED (GPIO21) (the LILYGO T-Camera Plus S3 once had the display select there); see
 * drivers/sd-card/README.md for what was decided.
 */
export function cardPinConflicts(card: SdCardConfig, board: Record<string, unknown>): string[] {
  const cardPins: Record<string, number | undefined> = { clock: card.clock, mosi: card.mosi, miso: card.miso, select: card.select, command: card.command };
  (card.data ?? []).forEach((pin, i) => (cardPins[`d${i}`] = pin));
  const display = (board.display ?? {}) as Record<string, unknown>;
  const others: Record<string, unknown> = { LED: board.led, buzzer: board.buzzer, 'sign select': display.select, 'sign dc': display.dc, 'sign reset': display.reset, 'sign backlight': display.backlight };
  const conflicts: string[] = [];
  for (const [cardName, pin] of Object.entries(cardPins)) {
    if (pin === undefined) continue;
    for (const [name, other] of Object.entries(others)) {
      if (other === pin) conflicts.push(`GPIO${pin} is both the SD card's ${cardName} and the ${name}`);
    }
  }
  return conflicts;
}
