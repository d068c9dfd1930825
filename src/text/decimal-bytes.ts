// Decimal numbers written as ASCII digits straight into a buffer: for text built byte by byte
// (Maildir keys, the POP3 journal's lines), where a string per number was the garbage to avoid.

/**
 * Writes the decimal digits of `n` at `at` and returns where they end. `n` must be a non-negative
 * integer below 2^53 (callers check; their divisions are exact there).
 */
export function putDecimal(b: Buffer, at: number, n: number): number {
  let d = 1;
  while (d * 10 <= n) d *= 10;
  for (; d >= 1; d = Math.floor(d / 10)) b[at++] = 0x30 + (Math.floor(n / d) % 10);
  return at;
}
