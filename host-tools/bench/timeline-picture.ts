// The indicator timeline as a picture: LED, buzzer, sign updates and recorder events on one
// time axis, the way a bench tester reads a logic analyser, with a legend saying what each
// mark means and times of day when the camera's clock is known.
import type { Timeline } from '../sim/timeline.js';
import { FONT_HEIGHT, Raster, type Rgb } from './raster.js';

export interface PictureEvent {
  t: number;
  label: string;
  color?: Rgb;
}

export interface TimelinePictureOptions {
  title: string;
  from: number;
  to: number;
  timeline: Timeline;
  /** Times at which the sign's panel received pixels. */
  signWrites: number[];
  events: PictureEvent[];
  /** The camera's clock (ms since 1970) at timeline time t: the axis then reads times of day (UTC). */
  clock?: (t: number) => number;
  width?: number;
}

const LANE = 34;
const EVENT_ROWS = 3;
const EVENTS_LANE = EVENT_ROWS * FONT_HEIGHT + 8;
const LEFT = 90;
const TOP = 28;
const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 90, 220];
const GREEN: Rgb = [40, 160, 60];
const PURPLE: Rgb = [120, 40, 160];
const GREY: Rgb = [90, 90, 90];

const LEGEND: readonly [Rgb, string][] = [
  [RED, 'LED or lamp lit'],
  [BLUE, 'tone sounding, buzzer or speaker (bar height = pitch)'],
  [GREEN, 'sign redrawn (e.g. the elapsed time, each second)'],
  [PURPLE, 'recorder event'],
];

export function timelinePicture(o: TimelinePictureOptions): Buffer {
  const width = o.width ?? 1200;
  const lanes = ['LED', 'tones', 'sign'];
  const eventsTop = TOP + lanes.length * LANE;
  const axisTop = eventsTop + EVENTS_LANE;
  const legendTop = axisTop + 6 + FONT_HEIGHT + 8;
  const height = legendTop + FONT_HEIGHT + 6;
  const r = new Raster(width, height);
  const span = Math.max(1, o.to - o.from);
  const right = width - 10;
  const x = (t: number) => LEFT + ((t - o.from) / span) * (right - LEFT);
  r.text(8, 4, o.title, [20, 20, 20]);
  [...lanes, 'events'].forEach((name, i) => {
    const top = TOP + i * LANE;
    const laneHeight = i < lanes.length ? LANE : EVENTS_LANE;
    r.text(8, top + (Math.min(laneHeight, LANE) - FONT_HEIGHT) / 2, name, [60, 60, 60]);
    r.rect(LEFT, top + laneHeight - 1, right - LEFT, 1, [220, 220, 220]);
  });

  // LED: a bar while lit (the channel's level; the target's polarity is in its name).
  const led = o.timeline.levels('led');
  led.forEach((entry, i) => {
    const end = led[i + 1]?.t ?? o.to;
    if (entry.level && end > o.from && entry.t < o.to) r.rect(x(Math.max(entry.t, o.from)), TOP + 6, Math.max(1, x(Math.min(end, o.to)) - x(Math.max(entry.t, o.from))), LANE - 12, RED);
  });

  // Tones (a PWM buzzer or an I2S speaker): bar height follows the pitch, so rising and falling tones read at a glance.
  const sound = o.timeline.sound();
  sound.forEach((entry, i) => {
    if (!(entry.hz > 0)) return;
    const end = sound[i + 1]?.t ?? o.to;
    if (end < o.from || entry.t > o.to) return;
    const h = Math.min(LANE - 8, 6 + ((entry.hz - 500) / 1500) * (LANE - 14));
    r.rect(x(Math.max(entry.t, o.from)), TOP + 2 * LANE - 4 - h, Math.max(2, x(Math.min(end, o.to)) - x(Math.max(entry.t, o.from))), h, BLUE);
  });

  for (const t of o.signWrites) if (t >= o.from && t <= o.to) r.rect(x(t), TOP + 2 * LANE + 8, 2, LANE - 16, GREEN);

  // Events: a line through the indicator lanes, a mark and the label in the events lane
  // (rows in turn; a label that would run off the right edge ends at the mark instead).
  let row = 0;
  for (const event of o.events) {
    if (event.t < o.from || event.t > o.to) continue;
    const color = event.color ?? PURPLE;
    const ex = x(event.t);
    r.rect(ex, TOP, 1, eventsTop - TOP, color);
    const y = eventsTop + 4 + (row++ % EVENT_ROWS) * FONT_HEIGHT;
    r.rect(ex - 2, y + 3, 5, FONT_HEIGHT - 6, color);
    const labelWidth = r.textWidth(event.label);
    r.text(ex + 5 + labelWidth <= right ? ex + 5 : Math.max(LEFT, ex - 4 - labelWidth), y, event.label, color);
  }

  // Time axis: times of day on the camera's clock, or seconds from the picture's start.
  const step = niceStep(span / 8);
  for (let t = Math.ceil(o.from / step) * step; t <= o.to; t += step) {
    r.rect(x(t), axisTop, 1, 4, [0, 0, 0]);
    const label = o.clock ? timeOfDay(o.clock(t), step) : `+${+((t - o.from) / 1000).toFixed(2)}s`;
    const lx = Math.min(x(t) - r.textWidth(label) / 2, right - r.textWidth(label));
    r.text(Math.max(LEFT - 20, lx), axisTop + 6, label, GREY);
  }
  if (o.clock) r.text(8, axisTop + 6, 'UTC', GREY);

  let lx = 8;
  for (const [color, text] of LEGEND) {
    r.rect(lx, legendTop + 4, 10, FONT_HEIGHT - 8, color);
    r.text(lx + 14, legendTop, text, GREY);
    lx += 14 + r.textWidth(text) + 18;
  }
  return r.png();
}

function timeOfDay(ms: number, step: number): string {
  const iso = new Date(ms).toISOString();
  return step < 1000 ? iso.slice(11, 23) : iso.slice(11, 19);
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return m * power;
  return 10 * power;
}
