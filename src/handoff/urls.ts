// The links of a rendered message body, for "open a URL from the reader". Found by linkify-it
// (markdown-it's link finder, maintained, already inlined with mailparser): it handles trailing
// punctuation, brackets and bare "example.com/x" links better than a regex would. Only http(s) and
// mailto are kept, checked again with the URL parser; what is shown is sanitized and shortened,
// what is opened is the parsed URL (an argv entry, never shell text).
import LinkifyIt from 'linkify-it';
import { sanitizeLine } from '../text/sanitize.js';

export interface FoundUrl {
  /** The normalized URL to hand to a browser. */
  url: string;
  /** For a menu: sanitized, at most `maxShown` characters. */
  shown: string;
}

const ALLOWED = new Set(['http:', 'https:', 'mailto:']);
const MAX_URL_LENGTH = 4096;

let finder: LinkifyIt | undefined;

/** Distinct http(s)/mailto links in order of appearance (at most `limit`). */
export function extractUrls(text: string, options: { limit?: number; maxShown?: number } = {}): FoundUrl[] {
  finder ??= new LinkifyIt({ 'ftp:': null, '//': null }, { fuzzyLink: true, fuzzyEmail: false, fuzzyIP: false });
  const limit = options.limit ?? 200;
  const maxShown = options.maxShown ?? 200;
  const out: FoundUrl[] = [];
  const seen = new Set<string>();
  for (const m of finder.match(text) ?? []) {
    if (out.length >= limit) break;
    if (m.url.length > MAX_URL_LENGTH) continue;
    let parsed: URL;
    try {
      parsed = new URL(m.url);
    } catch {
      continue;
    }
    if (!ALLOWED.has(parsed.protocol)) continue;
    const url = parsed.href;
    // Control characters never reach a browser's argv or the terminal (URL() percent-encodes most).
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f\s]/.test(url) || seen.has(url)) continue;
    seen.add(url);
    const shown = sanitizeLine(url);
    out.push({ url, shown: shown.length > maxShown ? `${shown.slice(0, maxShown - 1)}…` : shown });
  }
  return out;
}
