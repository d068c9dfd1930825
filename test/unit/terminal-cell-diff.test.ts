// The cell renderer: whatever sequence of frames Ink produces, the screen after our diffs equals
// the last frame drawn whole, and an unchanged or slightly changed frame costs few bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffGrids } from '../../src/ui/terminal/grid-diff.js';
import { parseFrame, type ScreenGrid } from '../../src/ui/terminal/screen-grid.js';
import { CellRenderer } from '../../src/ui/terminal/cell-renderer.js';
import { VirtualTerminal } from '../helpers/virtual-terminal.js';

const SGR = [
  '\u001b[1m',
  '\u001b[22m',
  '\u001b[2m',
  '\u001b[7m',
  '\u001b[27m',
  '\u001b[31m',
  '\u001b[39m',
  '\u001b[38;5;200m',
  '\u001b[44m',
  '\u001b[49m',
  '\u001b[0m',
  '\u001b[38;2;1;2;3m',
  '\u001b[4m',
  '\u001b[24m',
  '\u001b[92m',
];
const TEXT = [
  'hello',
  ' ',
  'world ',
  'x',
  '中文',
  '한국어',
  'e\u0301',
  '👍🏽',
  '🇩🇪',
  '👨‍👩‍👧',
  '❤️',
  'कि',
  'क्ष',
  '\u200b',
  '…',
  '│',
  '─┐',
  '1️⃣',
  'ｆｕｌｌ',
  'ab\tcd'.replace('\t', ' '),
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomLine(r: () => number, cols: number): string {
  let line = '';
  const target = Math.floor(r() * (cols + 6));
  while (line.replace(/\u001b\[[0-9;]*m/g, '').length < target) {
    if (r() < 0.3) line += SGR[Math.floor(r() * SGR.length)];
    line += TEXT[Math.floor(r() * TEXT.length)];
  }
  return line + (r() < 0.5 ? '\u001b[0m' : '');
}

function assertShows(vt: VirtualTerminal, grid: ScreenGrid, what: string): void {
  for (let y = 0; y < grid.rows; y++) {
    const row = vt.chars.slice(y * vt.cols, (y + 1) * vt.cols).join('');
    assert.equal(row, grid.rowText(y), `${what}: row ${y} text`);
    assert.deepEqual(vt.styles.slice(y * vt.cols, (y + 1) * vt.cols), [...grid.styles.slice(y * grid.cols, (y + 1) * grid.cols)], `${what}: row ${y} styles`);
  }
}

test('random frame sequences diffed onto a terminal equal the last frame drawn whole', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = rng(seed);
    const cols = 10 + Math.floor(r() * 50);
    const rows = 3 + Math.floor(r() * 10);
    const vt = new VirtualTerminal(cols, rows);
    let lines = Array.from({ length: rows }, () => randomLine(r, cols));
    let prev: ScreenGrid | undefined;
    for (let step = 0; step < 40; step++) {
      // Mostly small changes (a key press), sometimes a whole new screen or a shorter frame.
      if (r() < 0.1) lines = Array.from({ length: Math.floor(r() * (rows + 2)) }, () => randomLine(r, cols));
      else for (let k = 0; k < 1 + Math.floor(r() * 3); k++) lines[Math.floor(r() * lines.length)] = randomLine(r, cols);
      const grid = parseFrame(lines.join('\n'), cols, rows);
      vt.write(diffGrids(prev, grid));
      assertShows(vt, grid, `seed ${seed} step ${step}`);
      const fresh = new VirtualTerminal(cols, rows);
      fresh.write(diffGrids(undefined, grid));
      assertShows(fresh, grid, `seed ${seed} step ${step} (full redraw)`);
      prev = grid;
    }
  }
});

test('an unchanged frame writes nothing; one changed word writes little', () => {
  const rows = Array.from({ length: 40 }, (_, i) => `\u001b[7m row ${i} `.padEnd(60, '·') + '\u001b[27m' + ' subject line text'.repeat(3));
  const a = parseFrame(rows.join('\n'), 120, 40);
  assert.equal(diffGrids(a, parseFrame(rows.join('\n'), 120, 40)), '');
  const changed = [...rows];
  changed[20] = changed[20]!.replace('subject', 'SUBJECT');
  const out = diffGrids(a, parseFrame(changed.join('\n'), 120, 40));
  assert.ok(out.length > 0 && out.length < 30, `${out.length} bytes: ${JSON.stringify(out)}`);
  assert.ok(out.includes('SUBJECT'));
});

test('emoji sequences terminals disagree on are sent as a base glyph of the planned width', () => {
  const g = parseFrame('a👍🏽b❤️c🇩🇪d', 20, 1);
  assert.equal(g.rowText(0).trimEnd(), 'a👍b❤ c🇩🇪d');
  const vt = new VirtualTerminal(20, 1);
  vt.write(diffGrids(undefined, g));
  assert.equal(vt.chars.join('').trimEnd(), 'a👍b❤ c🇩🇪d');
});

test('the renderer coalesces frames of one tick, drops console noise, redraws whole after a resize', () => {
  const written: string[] = [];
  const queue: (() => void)[] = [];
  const r = new CellRenderer({ write: (d) => written.push(d) }, 10, 2, (fn) => queue.push(fn));
  r.inkStdout.write('one\ntwo');
  r.inkStdout.write('uno\ndos');
  assert.equal(queue.length, 1);
  queue.shift()!();
  assert.equal(written.length, 1);
  assert.ok(written[0]!.includes('uno') && !written[0]!.includes('one'));
  r.inkStdout.write('console.log line\nuno\ndos');
  r.inkStdout.write('\u001b[?25h');
  assert.equal(queue.length, 0);
  r.resize(12, 3);
  assert.equal(r.inkStdout.columns, 12);
  r.inkStdout.write('uno\ndos');
  queue.shift()!();
  assert.ok(written[1]!.includes('\u001b[2J'), 'full redraw after a resize');
  r.pause();
  r.inkStdout.write('tres');
  queue.shift()!();
  assert.equal(written.length, 2, 'nothing drawn while paused');
  r.redraw();
  assert.equal(written.length, 3);
  assert.ok(written[2]!.includes('tres') && written[2]!.includes('\u001b[2J'));
});

test('a resize in the middle of a redraw: the late frame for the old size is cut to the new one, then replaced whole', () => {
  const written: string[] = [];
  const queue: (() => void)[] = [];
  const r = new CellRenderer({ write: (d) => written.push(d) }, 20, 4, (fn) => queue.push(fn));
  const frame = (cols: number, rows: number, tag: string) => Array.from({ length: rows }, (_, y) => `${tag}${y}`.padEnd(cols, '.')).join('\n');
  r.inkStdout.write(frame(20, 4, 'a'));
  queue.shift()!();
  r.inkStdout.write(frame(20, 4, 'b')); // laid out for 20x4 ...
  r.resize(10, 3); // ... and the terminal shrinks before it is drawn
  queue.shift()!();
  const vt = new VirtualTerminal(10, 3);
  vt.write(written[1]!);
  assert.equal(vt.chars.slice(0, 10).join(''), 'b0........', 'the late frame, cut to the new width');
  r.inkStdout.write(frame(10, 3, 'c'));
  queue.shift()!();
  vt.write(written[2]!);
  for (let y = 0; y < 3; y++) assert.equal(vt.chars.slice(y * 10, y * 10 + 10).join(''), `c${y}........`);
});
