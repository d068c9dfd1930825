// Bundled in place of string-width for every importer (Ink's output and layout, wrap-ansi,
// slice-ansi, tmail's own code): see the plugin in build-bundle.mjs. string-width tests each
// grapheme of a non-ASCII string against /^\p{RGI_Emoji}$/v (~0.2 ms for a line with an emoji),
// and Ink measures every line and every character of every frame again, with caches that live
// for one frame. The same lines and characters come back frame after frame, so widths are
// remembered for the whole process: bounded, cleared when full; long strings and calls with
// options go straight through.
import stringWidth from 'string-width';

const LIMIT = 20_000;
const MAX_LENGTH = 512;
const widths = new Map();

export default function cachedStringWidth(input, options) {
  if (options !== undefined || typeof input !== 'string' || input.length > MAX_LENGTH) return stringWidth(input, options);
  let width = widths.get(input);
  if (width === undefined) {
    width = stringWidth(input);
    if (widths.size >= LIMIT) widths.clear();
    widths.set(input, width);
  }
  return width;
}
