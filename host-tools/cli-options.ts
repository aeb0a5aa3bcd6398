// Option parsers the chaincam commands share (commander calls them with each value given).
import { InvalidArgumentError } from 'commander';

/** A repeatable option: every value, in order. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A whole number of at least `min`; `what` names it in the usage error ("a baud rate"). */
export function wholeNumber(min: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected ${what}, ${min} or more`);
    return n;
  };
}
