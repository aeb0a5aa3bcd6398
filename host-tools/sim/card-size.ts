// A card size as a user writes it (--sd-card 32GB, a scenario's "sdCard").
import { InvalidArgumentError } from 'commander';

/** "32GB", "64MB", "512MiB" or plain bytes: the SD card's capacity. */
export function cardSizeOption(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a card size such as 32GB, 64GB or 512MB');
  const unit = (m[2] ?? 'B').toUpperCase();
  const scale: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };
  const bytes = Math.round(Number(m[1]) * scale[unit]!);
  if (bytes < 1e6 || bytes > 2e12) throw new InvalidArgumentError('an SD card is between 1 MB and 2 TB');
  return bytes;
}
