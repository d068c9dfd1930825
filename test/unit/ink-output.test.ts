// scripts/ink-output.mjs replaces Ink's Output in the bundle: it must give the same frame, byte
// for byte, for whatever Ink's renderer asks of it. Both get the same random operations (plain,
// styled, wide and combining text, clips that cut lines, transformers, rows past the edges), and
// frames are drawn again and again so the caches that live across frames are exercised too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

interface Operations {
  write(x: number, y: number, text: string, options: { transformers: ((line: string, index: number) => string)[] }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = new (options: { width: number; height: number }) => Operations;

const inkUrl = new URL('../../node_modules/ink/build/output.js', import.meta.url).href;
const fastUrl = new URL('../../scripts/ink-output.mjs', import.meta.url).href;
const InkOutput = (await import(inkUrl)).default as OutputClass;
const FastOutput = (await import(fastUrl)).default as OutputClass;

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SGR = [
  '\u001b[1m',
  '\u001b[2m',
  '\u001b[3m',
  '\u001b[4m',
  '\u001b[7m',
  '\u001b[31m',
  '\u001b[32m',
  '\u001b[39m',
  '\u001b[44m',
  '\u001b[49m',
  '\u001b[22m',
  '\u001b[27m',
  '\u001b[0m',
  '\u001b[38;5;202m',
  '\u001b[1;31m',
];
// Stray escapes, a link and a combining mark right after a colour take Ink's own tokenizer or
// its grapheme rules; the box-drawing and Latin letters take the shortcut past slice-ansi.
const GLYPHS = [
  'a',
  'b',
  ' ',
  'Z',
  '.',
  'é',
  'e\u0301',
  '日',
  '本',
  '🎉',
  '👍🏽',
  '🇩🇪',
  '✔',
  '\u2764\ufe0f',
  'ｱ',
  '-',
  '─',
  '│',
  'ø',
  '…',
  '\u0301',
  '\u200b',
  '\u001b',
  '\u001b[',
  '\u001b]8;;https://e.org\u0007',
  '\u009b',
];

function text(rnd: () => number, colorSeed: number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const lines: string[] = [];
  const n = 1 + Math.floor(rnd() * 3);
  for (let l = 0; l < n; l++) {
    let s = '';
    const len = Math.floor(rnd() * 30);
    for (let i = 0; i < len; i++) {
      const r = rnd();
      if (r < 0.12) s += pick(SGR);
      else if (r < 0.14) s += `\u001b[38;2;${colorSeed % 256};${(colorSeed * 7) % 256};${Math.floor(rnd() * 256)}m`;
      else if (r < 0.4) s += 'x';
      else if (r < 0.5) s += '─│é';
      else s += pick(GLYPHS);
    }
    if (rnd() < 0.5) s += '\u001b[0m';
    lines.push(s);
  }
  return lines.join('\n');
}

/** Random operations, applied to both outputs. */
function script(seed: number, width: number, height: number): (o: Operations) => void {
  const rnd = random(seed);
  const ops: ((o: Operations) => void)[] = [];
  let depth = 0;
  const count = 5 + Math.floor(rnd() * 25);
  for (let i = 0; i < count; i++) {
    const r = rnd();
    const x = Math.floor(rnd() * (width + 6)) - 2;
    const y = Math.floor(rnd() * (height + 2)) - 1;
    if (r < 0.15) {
      const clip =
        rnd() < 0.7
          ? { x1: Math.floor(rnd() * width), x2: Math.floor(rnd() * width) + 2, y1: Math.floor(rnd() * height), y2: Math.floor(rnd() * height) + 1 }
          : { x1: 1, x2: width - 3 };
      ops.push((o) => o.clip(clip));
      depth++;
    } else if (r < 0.22 && depth > 0) {
      ops.push((o) => o.unclip());
      depth--;
    } else {
      const t = text(rnd, seed + i);
      const transformers: ((line: string, index: number) => string)[] = [];
      if (rnd() < 0.3) transformers.push((line) => `\u001b[36m${line}\u001b[39m`);
      if (rnd() < 0.2) transformers.push((line, index) => (index % 2 ? `\u001b[1m${line}\u001b[22m` : line.toUpperCase()));
      ops.push((o) => o.write(x, y, t, { transformers }));
    }
  }
  return (o) => {
    for (const op of ops) op(o);
  };
}

function frame(Output: OutputClass, width: number, height: number, apply: (o: Operations) => void) {
  const o = new Output({ width, height });
  apply(o);
  return o.get();
}

test("the bundle's Ink output draws the same frames as Ink's, byte for byte", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const width = 5 + (seed % 37);
    const height = 1 + (seed % 9);
    const apply = script(seed, width, height);
    const expected = frame(InkOutput, width, height, apply);
    // Twice: the second frame comes from the caches.
    assert.deepEqual(frame(FastOutput, width, height, apply), expected, `seed ${seed}, first frame`);
    assert.deepEqual(frame(FastOutput, width, height, apply), expected, `seed ${seed}, again`);
  }
});

test('a full-screen list frame, drawn again after thousands of other styles', () => {
  const rows = Array.from(
    { length: 38 },
    (_, i) => `${i % 3 ? '' : '\u001b[7m'} ${String(i).padStart(5)}  2024-11-26  Ada Lovelace   🎉 Party ${'x'.repeat(i)}${i % 3 ? '' : '\u001b[27m'}`,
  );
  const apply = (o: Operations) => {
    o.clip({ x1: 0, x2: 100, y1: 0, y2: 39 });
    for (const [y, r] of rows.entries()) o.write(0, y + 1, r, { transformers: [] });
    o.unclip();
  };
  const expected = frame(InkOutput, 100, 40, apply);
  assert.deepEqual(frame(FastOutput, 100, 40, apply), expected);
  // Enough distinct styles to make the fast output start its tables again between frames.
  for (let c = 0; c < 3000; c++) frame(FastOutput, 10, 1, (o) => o.write(0, 0, `\u001b[38;2;${c % 256};${c >> 8};1mab\u001b[39m`, { transformers: [] }));
  assert.deepEqual(frame(FastOutput, 100, 40, apply), expected);
});

test('slice-ansi leaves a line of one-column characters whole when cut at or past its end', async () => {
  const { default: sliceAnsi } = (await import('slice-ansi')) as { default: (s: string, from: number, to?: number) => string };
  const { default: stringWidth } = (await import('string-width')) as { default: (s: string) => number };
  // The fast output's PLAIN_NARROW class, spelled out here: every character of it, alone and mixed.
  const narrow = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25ff]*$/;
  assert.match(readFileSync(new URL('../../scripts/ink-output.mjs', import.meta.url), 'utf8'), new RegExp(escapeRegExp(narrow.source)));
  const pool: string[] = [];
  for (let c = 0x20; c < 0x2600; c++) if (narrow.test(String.fromCodePoint(c))) pool.push(String.fromCodePoint(c));
  const rnd = random(7);
  const samples = pool.map((c) => `ab${c}c${c}${c}`);
  for (let n = 0; n < 3000; n++) samples.push(Array.from({ length: Math.floor(rnd() * 30) }, () => pool[Math.floor(rnd() * pool.length)]).join(''));
  for (const s of samples) {
    assert.equal(sliceAnsi(s, 0, stringWidth(s)), s, JSON.stringify(s));
    assert.equal(sliceAnsi(s, 0, stringWidth(s) + 3), s, JSON.stringify(s));
  }
});

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
