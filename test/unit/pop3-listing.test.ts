// The LIST and UIDL parsers read bytes where they are; they must accept and refuse exactly what
// the line-by-line regular expressions of RFC 1939 do (here as the reference), for any input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScanListing, parseUidlListing } from '../../src/accounts/pop3/listing.js';

const UIDL_RE = /^(\d{1,9}) ([\x21-\x7e]{1,70})$/;
const SCAN_RE = /^(\d{1,9}) (\d{1,15})(?: .*)?$/;

function lines(body: Buffer): string[] {
  return body
    .toString('latin1')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0);
}

function referenceUidl(body: Buffer): { msg: number; uidl: string }[] | 'malformed' | 'duplicate' {
  const out: { msg: number; uidl: string }[] = [];
  const seen = new Set<string>();
  for (const line of lines(body)) {
    const m = UIDL_RE.exec(line);
    if (!m) return 'malformed';
    if (seen.has(m[2]!)) return 'duplicate';
    seen.add(m[2]!);
    out.push({ msg: Number(m[1]), uidl: m[2]! });
  }
  return out;
}

function referenceScan(body: Buffer): { msg: number; size: number }[] | 'malformed' {
  const out: { msg: number; size: number }[] = [];
  for (const line of lines(body)) {
    const m = SCAN_RE.exec(line);
    if (!m) return 'malformed';
    out.push({ msg: Number(m[1]), size: Number(m[2]) });
  }
  return out;
}

function outcome<T>(parse: () => T): T | 'malformed' | 'duplicate' {
  try {
    return parse();
  } catch (err) {
    const message = (err as Error).message;
    if (/malformed/.test(message)) return 'malformed';
    if (/same UIDL/.test(message)) return 'duplicate';
    throw err;
  }
}

/** Deterministic pseudo-random numbers (a failure names its seed). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

// Bytes that sit on the edges of the grammar: digits, space, CR, LF, the UIDL range's ends, 8-bit.
const ALPHABET = [0x30, 0x31, 0x39, 0x20, 0x0d, 0x0a, 0x21, 0x7e, 0x7f, 0x41, 0x2e, 0xe9, 0x00, 0x09];

function fuzzBody(rnd: () => number): Buffer {
  const parts: string[] = [];
  const count = Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++) {
    const msg = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 11)));
    const second = rnd() < 0.5 ? String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 17))) : `u${Math.floor(rnd() * 5)}`.repeat(1 + Math.floor(rnd() * 40));
    let line = `${msg} ${second}`;
    if (rnd() < 0.3) line += ` ${rnd().toString(36)}`;
    // Now and then a byte from the edges anywhere in the line.
    if (rnd() < 0.5) {
      const at = Math.floor(rnd() * (line.length + 1));
      line = line.slice(0, at) + String.fromCharCode(ALPHABET[Math.floor(rnd() * ALPHABET.length)]!) + line.slice(at);
    }
    parts.push(line + (rnd() < 0.8 ? '\r\n' : rnd() < 0.5 ? '\n' : rnd() < 0.5 ? '\r\r\n' : ''));
  }
  return Buffer.from(parts.join(''), 'latin1');
}

test('UIDL and LIST listings: the same entries and the same refusals as the RFC 1939 expressions, for any bytes', () => {
  let malformed = 0;
  let accepted = 0;
  for (let seed = 1; seed <= 20_000; seed++) {
    const body = fuzzBody(random(seed));
    const uidl = outcome(() => parseUidlListing(body, 'POP3 test'));
    assert.deepEqual(uidl, referenceUidl(body), `UIDL, seed ${seed}: ${JSON.stringify(body.toString('latin1'))}`);
    const scan = outcome(() => parseScanListing(body, 'POP3 test'));
    assert.deepEqual(scan, referenceScan(body), `LIST, seed ${seed}: ${JSON.stringify(body.toString('latin1'))}`);
    if (scan === 'malformed') malformed++;
    else accepted++;
  }
  // Both sides of the grammar were exercised.
  assert.ok(malformed > 1000 && accepted > 1000, `${malformed} malformed, ${accepted} accepted`);
});

test('listings: edge cases by hand', () => {
  const uidl = (s: string) => outcome(() => parseUidlListing(Buffer.from(s, 'latin1'), 'POP3 test'));
  const scan = (s: string) => outcome(() => parseScanListing(Buffer.from(s, 'latin1'), 'POP3 test'));
  assert.deepEqual(uidl('1 a\r\n\r\n2 b'), [
    { msg: 1, uidl: 'a' },
    { msg: 2, uidl: 'b' },
  ]);
  assert.deepEqual(uidl(`1 ${'x'.repeat(70)}\r\n`), [{ msg: 1, uidl: 'x'.repeat(70) }]);
  assert.equal(uidl(`1 ${'x'.repeat(71)}\r\n`), 'malformed');
  assert.equal(uidl('1 a\r\n2 a\r\n'), 'duplicate');
  assert.equal(uidl('1  a\r\n'), 'malformed');
  assert.equal(uidl('1234567890 a\r\n'), 'malformed');
  assert.equal(uidl('1 a\r\r\n'), 'malformed');
  assert.deepEqual(scan('999999999 999999999999999 extra words\r\n'), [{ msg: 999999999, size: 999999999999999 }]);
  assert.equal(scan('1 9999999999999999\r\n'), 'malformed');
  assert.equal(scan('1 2x\r\n'), 'malformed');
  assert.equal(scan('1 2 a\rb\r\n'), 'malformed');
  assert.equal(scan('1 \r\n'), 'malformed');
  assert.deepEqual(scan('\r\n\n'), []);
});
