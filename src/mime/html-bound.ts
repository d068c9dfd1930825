// A linear pre-pass that bounds what the HTML converter sees. html-to-text builds a full DOM
// (htmlparser2) and walks it recursively; its own limits (input length, maxDepth) apply only
// after the DOM exists, so 300,000 unclosed <b><i><u><span> tags (4.5 MB) still built a
// 1.2-million-deep tree and ran out of memory, and 100,000 nested <div>s took seconds.
// Here tags are counted in one pass: tags nested deeper than MAX_DEPTH, and every tag after the
// first MAX_TAGS, are dropped (their text is kept), so the DOM stays small and shallow.
// Comments and the raw text of <script>/<style> are skipped whole, as a browser would.

export const MAX_DEPTH = 64;
// A big newsletter has a few thousand tags; html-to-text needs ~50 µs per tag (a second for 20k).
export const MAX_TAGS = 20_000;

/** Elements that never have content, so they never open a level. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'iframe', 'noembed', 'noframes']);

export interface BoundedHtml {
  html: string;
  /** What was dropped, for the user; undefined when nothing was. */
  cut?: string;
}

const TAG_NAME = /<\/?([a-zA-Z][^\s/>]{0,63})/y;

export function boundHtml(html: string): BoundedHtml {
  const lower = html.toLowerCase();
  const out: string[] = [];
  const open: string[] = []; // names of the kept open elements, innermost last
  const droppedOpen = new Map<string, number>(); // dropped opening tags not yet closed, by name
  let kept = 0;
  let droppedDeep = 0;
  let droppedMany = 0;
  let textStart = 0;
  let i = html.indexOf('<');
  while (i !== -1) {
    if (lower.startsWith('<!--', i)) {
      const end = lower.indexOf('-->', i + 4);
      out.push(html.slice(textStart, i));
      // An unclosed comment hides the rest, as in a browser; dropping it is the same thing.
      if (end === -1) return result(out, '', droppedDeep, droppedMany);
      textStart = i = end + 3;
      i = html.indexOf('<', i);
      continue;
    }
    TAG_NAME.lastIndex = i;
    const match = TAG_NAME.exec(html);
    const close = html.indexOf('>', i + 1);
    if (close === -1) break; // no '>' anywhere after this: no more tags
    if (!match) {
      // Not a tag ("a < b", "<!DOCTYPE", "<?xml"): leave it as it is.
      i = html.indexOf('<', i + 1);
      continue;
    }
    const isClose = html[i + 1] === '/';
    const name = match[1]!.toLowerCase();
    const selfClosing = html[close - 1] === '/';
    out.push(html.slice(textStart, i));
    textStart = close + 1;
    let keep: boolean;
    if (isClose) {
      const dropped = droppedOpen.get(name) ?? 0;
      if (dropped > 0) {
        droppedOpen.set(name, dropped - 1);
        keep = false;
      } else {
        // Close up to the matching element among the innermost few; a stray close tag is dropped.
        const at = open.lastIndexOf(name);
        keep = at !== -1;
        if (keep) open.length = at;
      }
    } else {
      const opens = !VOID.has(name) && !selfClosing;
      if (kept >= MAX_TAGS) droppedMany++;
      else if (opens && open.length >= MAX_DEPTH) droppedDeep++;
      keep = kept < MAX_TAGS && !(opens && open.length >= MAX_DEPTH);
      if (keep && opens) open.push(name);
      if (!keep && opens) droppedOpen.set(name, (droppedOpen.get(name) ?? 0) + 1);
    }
    if (keep) {
      kept++;
      out.push(html.slice(i, close + 1));
    } else {
      out.push(' ');
    }
    if (!isClose && RAW_TEXT.has(name) && !selfClosing) {
      // Raw text runs to its own close tag; nothing inside is a tag. The text of a dropped
      // element goes with it (it is script, style or a title nested absurdly deep).
      const end = lower.indexOf(`</${name}`, close + 1);
      if (end === -1) return result(out, keep ? html.slice(textStart) : '', droppedDeep, droppedMany);
      if (keep) out.push(html.slice(textStart, end));
      textStart = i = end;
      continue;
    }
    i = html.indexOf('<', close + 1);
  }
  out.push(html.slice(textStart));
  return result(out, '', droppedDeep, droppedMany);
}

function result(out: string[], tail: string, droppedDeep: number, droppedMany: number): BoundedHtml {
  out.push(tail);
  const reasons: string[] = [];
  if (droppedDeep > 0) reasons.push(`${droppedDeep.toLocaleString('en')} tags nested deeper than ${MAX_DEPTH} levels`);
  if (droppedMany > 0) reasons.push(`${droppedMany.toLocaleString('en')} tags after the first ${MAX_TAGS.toLocaleString('en')}`);
  const html = out.join('');
  return reasons.length === 0
    ? { html }
    : { html, cut: `The HTML body is unusually complex; its text is shown without the formatting of ${reasons.join(' and ')}.` };
}
