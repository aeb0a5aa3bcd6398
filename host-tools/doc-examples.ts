// A generated section of a document: the text between a BEGIN and an END marker comment, which a
// generator (the worked examples of PROTOCOL.md and STORE.md) writes and a test compares.

export interface MarkedSection {
  /** What the section is, as its markers name it: "protocol-examples". */
  name: string;
  begin: string;
  end: string;
}

/** The section's text as `doc` (read from `file`) holds it, trimmed. */
export function documentedSection(section: MarkedSection, doc: string, file: string): string {
  const [start, end] = bounds(section, doc, file);
  return doc.slice(start, end).trim();
}

/** `doc` with `text` between the section's markers, everything else as it was. */
export function withSection(section: MarkedSection, doc: string, file: string, text: string): string {
  const [start, end] = bounds(section, doc, file);
  return `${doc.slice(0, start)}\n${text}\n${doc.slice(end)}`;
}

/** Where the section starts (after BEGIN) and ends (at END); END before BEGIN is no section. */
function bounds(section: MarkedSection, doc: string, file: string): [number, number] {
  const start = doc.indexOf(section.begin);
  const end = doc.indexOf(section.end);
  if (start < 0 || end < start) throw new Error(`${file} lacks the ${section.name} markers (${section.begin} ... ${section.end})`);
  return [start + section.begin.length, end];
}
