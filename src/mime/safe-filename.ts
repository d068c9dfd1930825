// A file name proposed by a message, made into one plain file name (see attachment-filename.ts).
// Its own module, without libmime: the hand-off's temp files need it before any message is parsed.
import { GraphemeSegmenter } from '../text/grapheme-segmenter.js';
import { sanitizeLine } from '../text/sanitize.js';

/** Bytes, not characters: file systems cap names at 255 bytes; room is left for " (123)". */
const MAX_NAME_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|clock\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** A safe single file name, or '' when nothing usable is left of `name`. */
export function sanitizeFilename(name: string): string {
  let s = sanitizeLine(name).normalize('NFC');
  // Keep only the last path segment, whichever separator the sender used.
  s =
    s
      .split(/[/\\]/)
      .filter((part) => part.trim() !== '')
      .pop() ?? '';
  s = s
    .replace(/[<>:"|?*\u0000-\u001f\u007f]/g, '_')
    // Invisible format characters can hide a real extension. (ZWJ/ZWNJ stay: emoji sequences
    // and several scripts need them.)
    .replace(/[\u200b\u200e\u200f\u2028\u2029\u2060-\u2064\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.-]+/, '') // no hidden files, no names that read as command options
    .replace(/[\s.]+$/, ''); // Windows drops trailing dots/spaces, which can change the extension
  if (s === '' || s === '_') return '';
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return capBytes(s, MAX_NAME_BYTES);
}

/** Cuts the stem (keeping a short extension) by whole graphemes until the UTF-8 length fits. */
function capBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = ext ? name.slice(0, dot) : name;
  const budget = maxBytes - Buffer.byteLength(ext);
  let out = '';
  let used = 0;
  for (const { segment } of new GraphemeSegmenter(undefined, { granularity: 'grapheme' }).segment(stem)) {
    const bytes = Buffer.byteLength(segment);
    if (used + bytes > budget) break;
    out += segment;
    used += bytes;
  }
  return out.replace(/[\s.]+$/, '') + ext;
}
