// The bench's requirement table fits a 100-column terminal, whatever the rows say.
import assert from 'node:assert/strict';
import { requirementTable, TABLE_COLUMNS } from '../../host-tools/bench/bench-command.js';

describe('bench requirement table', () => {
  it('keeps every line within 100 columns and every word of every row', () => {
    const rows = [
      { id: 'a', requirement: 'LED on before the first frame is kept, on every one of the nine legal grounds', measured: 'on 124 ms before the first frame on ground 1, 2, 3, 4, 5, 6, 7, 8 and 9', limit: 'on before the first frame kept (Art. 10-6(1))', pass: true, why: 'as the camera\'s drivers report it through the indicator journal, in camera ticks; look at the LED itself, a journal cannot see a dead diode on a working pin '.repeat(3) },
      { id: 'b', requirement: 'dead sign detected', measured: 'n/a', limit: 'a notice-failure record', pass: null, why: 'a dead channel cannot be injected over the link' },
    ];
    const table = requirementTable(rows as never);
    for (const line of table.split('\n')) assert.ok([...line].length <= TABLE_COLUMNS, `${[...line].length} columns: ${line}`);
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    const flat = words(table).join(' ');
    for (const r of rows) for (const field of [r.requirement, r.measured, r.limit, r.why]) assert.ok(flat.includes(words(field).join(' ')), field);
    assert.match(table, /^PASS {2}LED on before/m);
    assert.match(table, /^n\/a {3}dead sign detected/m);
  });
});
