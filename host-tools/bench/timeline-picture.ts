// The indicator timeline as a picture: LED, buzzer, sign updates and recorder
// events on one time axis, the way a bench tester reads a logic analyser.
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
  width?: number;
}

const LANE = 34;
const LEFT = 90;
const TOP = 28;

export function timelinePicture(o: TimelinePictureOptions): Buffer {
  const width = o.width ?? 1200;
  const lanes = ['LED', 'buzzer', 'sign', 'events'];
  const height = TOP + lanes.length * LANE + 24 + FONT_HEIGHT * 4;
  const r = new Raster(width, height);
  const span = Math.max(1, o.to - o.from);
  const x = (t: number) => LEFT + ((t - o.from) / span) * (width - LEFT - 10);
  r.text(8, 4, o.title, [20, 20, 20]);
  lanes.forEach((name, i) => {
    r.text(8, TOP + i * LANE + (LANE - FONT_HEIGHT) / 2, name, [60, 60, 60]);
    r.rect(LEFT, TOP + (i + 1) * LANE - 1, width - LEFT - 10, 1, [220, 220, 220]);
  });

  // LED: a bar while lit (the channel's level; the target's polarity is in its name).
  const led = o.timeline.levels('led');
  led.forEach((entry, i) => {
    const end = led[i + 1]?.t ?? o.to;
    if (entry.level && end > o.from && entry.t < o.to) r.rect(x(Math.max(entry.t, o.from)), TOP + 6, Math.max(1, x(Math.min(end, o.to)) - x(Math.max(entry.t, o.from))), LANE - 12, [220, 30, 30]);
  });

  // Buzzer: bar height follows the pitch, so rising and falling tones read at a glance.
  const pwm = o.timeline.entries.filter((e) => e.kind === 'pwm' && e.channel === 'buzzer') as { t: number; hz: number; duty: number }[];
  pwm.forEach((entry, i) => {
    if (!(entry.duty > 0)) return;
    const end = pwm[i + 1]?.t ?? o.to;
    if (end < o.from || entry.t > o.to) return;
    const h = Math.min(LANE - 8, 6 + ((entry.hz - 500) / 1500) * (LANE - 14));
    r.rect(x(Math.max(entry.t, o.from)), TOP + 2 * LANE - 4 - h, Math.max(2, x(Math.min(end, o.to)) - x(Math.max(entry.t, o.from))), h, [30, 90, 220]);
  });

  for (const t of o.signWrites) if (t >= o.from && t <= o.to) r.rect(x(t), TOP + 2 * LANE + 8, 2, LANE - 16, [40, 160, 60]);

  let labelRow = 0;
  for (const event of o.events) {
    if (event.t < o.from || event.t > o.to) continue;
    const color = event.color ?? [120, 40, 160];
    r.rect(x(event.t), TOP, 1, 4 * LANE, color);
    const y = TOP + 4 * LANE + 4 + (labelRow++ % 3) * FONT_HEIGHT;
    r.text(Math.min(x(event.t) + 2, width - 8 * event.label.length - 2), y, event.label, color);
  }

  // Time axis in seconds.
  const step = niceStep(span / 10);
  for (let t = Math.ceil(o.from / step) * step; t <= o.to; t += step) {
    r.rect(x(t), TOP + 4 * LANE, 1, 4, [0, 0, 0]);
    r.text(x(t) + 2, height - FONT_HEIGHT - 2, `${+(t / 1000).toFixed(2)}s`, [90, 90, 90]);
  }
  return r.png();
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return m * power;
  return 10 * power;
}
