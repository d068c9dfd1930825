// Strings kept long after the text they were cut from (summaries in the UI's window cache, trace
// lines in the ring buffer) must not pin that text. V8 represents a substring as a slice, and a
// concatenation as a pair, each keeping its parent alive: a 20-byte subject cut by imapflow from
// a FETCH response would hold the whole ~0.5–1 KB response line. A JSON round trip yields a flat
// string of its own; V8 copies strings under 13 characters anyway.
export function ownString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
