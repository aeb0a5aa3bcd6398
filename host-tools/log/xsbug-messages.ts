// What a person reading a debug build's output wants from each xsbug message:
// its trace and log lines, exceptions, breaks, logins. The inspector views a
// debugger draws (frames, local, global, grammar, instruments) are skipped.
import type { SerialEvent } from './serial-framing.js';
import { unescapeXml } from './xsbug-xml.js';

export type LogLine =
  | { kind: 'output' | 'trace' | 'exception' | 'break' | 'login' | 'machine-end' | 'restart'; text: string; machine?: string; path?: string; line?: number };

const ELEMENT = /<(log|break|login)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g;

function attributes(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/([\w:-]+)="([^"]*)"/g)) result[name!] = unescapeXml(value!);
  return result;
}

/** The lines one serial event contributes (a trace() of several lines gives several). */
export function logLines(event: SerialEvent): LogLine[] {
  switch (event.kind) {
    case 'output':
      return [{ kind: 'output', text: event.text }];
    case 'restart':
      return [{ kind: 'restart', text: 'device restarted' }];
    case 'machine-end':
      return [{ kind: 'machine-end', machine: event.machine, text: `XS machine ${event.machine} ended` }];
    case 'binary':
      return [];
    case 'message':
      return messageLines(event.machine, event.xml);
  }
}

export function messageLines(machine: string, xml: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const [, name, attrs, , body] of xml.matchAll(ELEMENT)) {
    const a = attributes(attrs ?? '');
    const where = a.path && a.line ? { path: a.path, line: Number(a.line) } : {};
    if (name === 'login') {
      lines.push({ kind: 'login', machine, text: `XS machine ${machine} "${a.name ?? ''}" logged in (${a.value ?? ''})` });
      continue;
    }
    const text = unescapeXml(body ?? '').replace(/\n$/, '');
    if (name === 'break') {
      lines.push({ kind: 'break', machine, ...where, text: text.replace(/^# Break: /, '').replace(/!$/, '') });
      continue;
    }
    const exception = /^# Exception: ([\s\S]*?)!?$/.exec(text);
    if (exception) {
      lines.push({ kind: 'exception', machine, ...where, text: exception[1]! });
      continue;
    }
    for (const part of text.split('\n')) lines.push({ kind: 'trace', machine, ...where, text: part });
  }
  return lines;
}

/** Did this message leave the machine waiting for the debugger (a login or a break)? */
export function waitsForDebugger(xml: string): boolean {
  return /<(login|break)\b/.test(xml);
}

/** One printed line: "<stamp>  <kind>  <text>  (<path>:<line>)". */
export function formatLogLine(stamp: string, line: LogLine): string {
  const where = line.path ? `  (${line.path}:${line.line})` : '';
  return `${stamp}  ${line.kind.padEnd(11)} ${line.text}${where}`;
}
