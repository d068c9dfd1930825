// The linear HTML pre-pass: deep or endless markup reaches html-to-text small and shallow,
// ordinary HTML passes through untouched, and the user is told what formatting was dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundHtml, MAX_DEPTH, MAX_TAGS } from '../../src/mime/html-bound.js';
import { htmlToReadableText } from '../../src/mime/html-text.js';

test('ordinary HTML passes through unchanged (comments dropped), with no note', () => {
  const html = '<!DOCTYPE html><html><head><style>p { x: "<b>" }</style></head><body><p>a &lt; b <br/> <img src=x alt="y"></p><!-- <div> --></body></html>';
  assert.deepEqual(boundHtml(html), { html: html.replace('<!-- <div> -->', '') });
});

test('300,000 unclosed <b><i><u><span> tags: depth capped, words kept, note says what was cut', { timeout: 120_000 }, () => {
  const html = '<b><i><u><span>word '.repeat(75_000);
  const bounded = boundHtml(html);
  assert.ok(bounded.html.length < html.length / 2);
  assert.equal((bounded.html.match(/<[a-z]/g) ?? []).length, MAX_DEPTH);
  assert.match(bounded.cut ?? '', /nested deeper than 64 levels/);
  const converted = htmlToReadableText(html);
  assert.equal(converted.text.split(/\s+/).filter((w) => w === 'word').length, 75_000);
  assert.match(converted.warning ?? '', /unusually complex/);
});

test('100,000 nested <div>: the text inside is still shown', { timeout: 120_000 }, () => {
  const html = `${'<div>'.repeat(100_000)}deep text${'</div>'.repeat(100_000)}<p>after</p>`;
  const converted = htmlToReadableText(html);
  assert.match(converted.text, /deep text/);
  assert.match(converted.text, /after/);
});

test('close tags of dropped elements are dropped too, so outer structure survives', () => {
  const html = `<table><tr><td>${'<div>'.repeat(MAX_DEPTH + 10)}x${'</div>'.repeat(MAX_DEPTH + 10)}</td><td>y</td></tr></table>`;
  const bounded = boundHtml(html);
  assert.ok(bounded.html.endsWith('</td><td>y</td></tr></table>'), bounded.html.slice(-60));
});

test('more than MAX_TAGS tags: later tags dropped, text kept', { timeout: 120_000 }, () => {
  const html = '<p>t</p>'.repeat(MAX_TAGS);
  const bounded = boundHtml(html);
  assert.equal((bounded.html.match(/<p>/g) ?? []).length, MAX_TAGS / 2);
  assert.equal((bounded.html.match(/t/g) ?? []).length, MAX_TAGS);
  assert.match(bounded.cut ?? '', /after the first 20,000/);
});

test('unterminated comments, script and tags end the markup without hanging', { timeout: 60_000 }, () => {
  assert.equal(boundHtml(`a<!-- ${'<b>'.repeat(50_000)}`).html, 'a');
  assert.equal(boundHtml(`a<script>${'<b>'.repeat(50_000)}`).html, `a<script>${'<b>'.repeat(50_000)}`);
  const noGt = `x${'<div '.repeat(100_000)}`;
  assert.equal(boundHtml(noGt).html, noGt);
  const manyLt = 'a < b '.repeat(100_000);
  assert.equal(boundHtml(manyLt).html, manyLt);
});
