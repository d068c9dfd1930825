// Shared by the mime-*.test.ts files.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';

/** Every string anywhere in a value, for "nothing dangerous reaches the terminal" checks. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Date)) for (const v of Object.values(value)) allStrings(v, out);
  return out;
}

// C0 except \n, DEL, C1, and bidi overrides/isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

export function assertInert(value: unknown): void {
  for (const s of allStrings(value)) assert.ok(!UNSAFE.test(s), `unsafe character in ${JSON.stringify(s).slice(0, 200)}`);
}

/** The same bytes as a stream cut into small chunks, to exercise the streaming path. */
export function chunked(buf: Buffer, size = 7): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks);
}
