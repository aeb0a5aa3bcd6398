import assert from 'node:assert/strict';
import { BitmapFont } from '../../drivers/bitmap-font.js';
import { SIGN_FONT } from '../../drivers/sign-font.js';
import { TextRenderer } from '../../drivers/text-renderer.js';
import { CARD_WORDS, elapsedText, layoutSign, type SignScreen } from '../../firmware/notice/sign-layout.js';
import { ELLIPSIS } from '../../firmware/notice/sign-wording.js';
import { LEGAL_GROUNDS } from '../../firmware/policy/legal-grounds.js';

describe('sign layouts (240x240 colour, 128x64 monochrome)', () => {
  const renderer = new TextRenderer(new BitmapFont(SIGN_FONT));
  const screens: SignScreen[] = [
    { kind: 'ready' },
    ...LEGAL_GROUNDS.map((ground) => ({ kind: 'recording' as const, ground, elapsedMs: 7_199_000 })),
    { kind: 'recording', ground: undefined, elapsedMs: 0 },
    { kind: 'notice-not-given', reason: 'the officer was attacked before the camera could be switched on, and so on and on and on' },
    { kind: 'low-storage', percentFree: 3 },
  ];

  for (const size of [{ width: 240, height: 240 }, { width: 128, height: 64 }]) {
    it(`${size.width}x${size.height}: every screen stays on the panel`, () => {
      for (const screen of screens) {
        for (const op of layoutSign(screen, size, renderer).ops) {
          const width = op.op === 'fill' ? op.width : renderer.measure(op.text) * op.scale;
          const height = op.op === 'fill' ? op.height : renderer.height * op.scale;
          assert.ok(op.x >= 0 && op.y >= 0 && op.x + width <= size.width && op.y + height <= size.height, `${screen.kind}: ${JSON.stringify(op)} leaves the panel`);
        }
      }
    });
  }

  // A card screen's heading is what the officer must read: it is never cut to fit (issue 13).
  for (const size of [{ width: 240, height: 240 }, { width: 128, height: 64 }]) {
    it(`${size.width}x${size.height}: every card screen and the unprovisioned screen show their words whole`, () => {
      const whole: SignScreen[] = [{ kind: 'unprovisioned' }, ...Object.keys(CARD_WORDS).map((condition) => ({ kind: 'card' as const, condition: Number(condition) }))];
      for (const screen of whole) {
        const texts = layoutSign(screen, size, renderer).ops.flatMap((op) => (op.op === 'text' ? [op.text] : []));
        assert.deepEqual(texts.filter((t) => t.includes(ELLIPSIS)), [], `${JSON.stringify(screen)} on ${size.width}x${size.height}`);
      }
    });
  }

  it('the recording sign says 녹화 중 / RECORDING, the ground in both languages and the elapsed time', () => {
    const ground = LEGAL_GROUNDS[2]!;
    const texts = layoutSign({ kind: 'recording', ground, elapsedMs: 65_000 }, { width: 240, height: 240 }, renderer).ops.flatMap((op) => (op.op === 'text' ? [op.text] : []));
    assert.deepEqual(texts, ['녹화 중', 'RECORDING', `근거 3 · ${ground.ko}`, `Ground 3: ${ground.en}`, '01:05']);
  });

  it('writes elapsed time as mm:ss, then h:mm:ss from the first hour', () => {
    assert.deepEqual([0, 999, 65_000, 3_599_999, 3_600_000, 7_261_000].map(elapsedText), ['00:00', '00:00', '01:05', '59:59', '1:00:00', '2:01:01']);
  });
});
