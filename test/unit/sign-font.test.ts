import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { BitmapFont } from '../../drivers/bitmap-font.js';
import { SIGN_FONT } from '../../drivers/sign-font.js';
import { TextRenderer } from '../../drivers/text-renderer.js';
import { SIGN_WORDING } from '../../firmware/notice/sign-wording.js';
import { LEGAL_GROUNDS } from '../../firmware/policy/legal-grounds.js';
import { signCharacters, signFontModule, SIGN_FONT_MODULE } from '../../host-tools/font/sign-font-module.js';
import { registerFontCommand } from '../../host-tools/font/font-command.js';
import { DEBIAN_UNIFONT_HEX, readUnifontHex } from '../../host-tools/font/unifont-hex.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';

describe('the sign font (drivers/sign-font.ts, generated from GNU Unifont)', () => {
  const font = new BitmapFont(SIGN_FONT);
  const renderer = new TextRenderer(font);

  it('is exactly what `chaincam font` generates from the installed Unifont (Debian package unifont)', function () {
    if (!existsSync(DEBIAN_UNIFONT_HEX)) this.skip();
    assert.equal(signFontModule(), readFileSync(path.join(projectRoot, SIGN_FONT_MODULE), 'utf8'), 'drivers/sign-font.ts is stale: run npx chaincam font');
  });

  it('decodes each glyph to Unifont\'s own rows', function () {
    if (!existsSync(DEBIAN_UNIFONT_HEX)) this.skip();
    const source = readUnifontHex(DEBIAN_UNIFONT_HEX, new Set(signCharacters()));
    for (const codepoint of signCharacters()) {
      const glyph = font.glyph(codepoint);
      const expected = source.get(codepoint)!;
      assert.equal(glyph.rowBytes, expected.rowBytes, `U+${codepoint.toString(16)}`);
      assert.deepEqual([...font.bitmaps.subarray(glyph.offset, glyph.offset + 16 * glyph.rowBytes)], [...expected.rows], `U+${codepoint.toString(16)}`);
    }
  });

  it('has a glyph for every character of every sign and every legal ground label, and no other', () => {
    const texts = [...Object.values(SIGN_WORDING).flatMap((w) => [w.ko, w.en]), ...LEGAL_GROUNDS.flatMap((g) => [g.ko, g.en])];
    for (const text of texts) assert.ok(renderer.covers(text), `the sign font lacks a character of "${text}"`);
    assert.deepEqual([...SIGN_FONT.characters].map((ch) => ch.codePointAt(0)), signCharacters());
    assert.ok(SIGN_FONT.bitmaps.length < 6000, `font data is ${SIGN_FONT.bitmaps.length} base64 characters`);
  });

  it('keeps Unifont\'s widths: Hangul 16 px, Latin 8 px; an unknown character draws U+FFFD', () => {
    assert.equal(renderer.measure('녹화 중'), 16 + 16 + 8 + 16);
    assert.equal(renderer.measure('RECORDING'), 72);
    assert.equal(font.glyph('語'.codePointAt(0)!), font.glyph(0xfffd));
    assert.equal(renderer.covers('語'), false);
  });
});

describe('chaincam font --check', () => {
  async function check(out: string): Promise<number | undefined> {
    const program = new Command('chaincam').exitOverride();
    registerFontCommand(program);
    const saved = process.exitCode;
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const writeErr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['font', '--check', '--out', out], { from: 'user' });
      return process.exitCode as number | undefined;
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
      process.exitCode = saved;
    }
  }

  it('passes on the committed module and fails on a stale one', async function () {
    if (!existsSync(DEBIAN_UNIFONT_HEX)) this.skip();
    assert.equal(await check(path.join(projectRoot, SIGN_FONT_MODULE)), undefined);
    const stale = path.join(mkdtempSync(path.join(tmpdir(), 'chaincam-font-')), 'sign-font.ts');
    writeFileSync(stale, '// an older font\n');
    assert.equal(await check(stale), 1);
  });
});

describe('the text renderer', () => {
  const renderer = new TextRenderer(new BitmapFont(SIGN_FONT));

  it('lays glyphs side by side, byte-aligned, rows top to bottom', () => {
    const mask = renderer.mask('A녹');
    assert.deepEqual([mask.width, mask.height, mask.rowBytes], [24, 16, 3]);
    // Unifont U+0041 "0000000018242442427E424242420000", U+B179 row 4 "1000".
    assert.deepEqual([...Array(16).keys()].map((r) => mask.bits[r * 3]), [0, 0, 0, 0, 0x18, 0x24, 0x24, 0x42, 0x42, 0x7e, 0x42, 0x42, 0x42, 0x42, 0, 0]);
    assert.deepEqual([mask.bits[4 * 3 + 1], mask.bits[4 * 3 + 2]], [0x10, 0x00]);
  });

  it('cuts text that does not fit with an ellipsis, never wider than asked', () => {
    assert.equal(renderer.fit('Emergency protection', 128), 'Emergency prote\u2026');
    assert.equal(renderer.measure(renderer.fit('Emergency protection', 128)), 128);
    assert.equal(renderer.fit('Set by decree', 128), 'Set by decree');
  });
});
