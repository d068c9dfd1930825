// HTML bodies as readable terminal text. Options differ from mailparser's built-in conversion:
// no word wrapping (the reader pane wraps to its own width), links as "text [url]", images as
// their alt text only, nothing from <script>/<style>/<head>, and hard limits so a hostile HTML
// body cannot make the conversion run away.
//
// Tables: mail uses them for two things. Real data (a price list) reads best as aligned columns;
// layout tables (nearly every newsletter) must not be squeezed into columns, their cells are just
// blocks of text one after another. `smartTable` tells the two apart.
import { convert, type DomNode, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { boundHtml } from './html-bound.js';

/** Characters of HTML we convert; the rest is dropped with a warning. */
export const MAX_HTML_CHARS = 2_000_000;

const MAX_DATA_CELL_CHARS = 60;

function formatSmartTable(...args: Parameters<FormatCallback>): void {
  const [elem, walk, builder, formatOptions] = args;
  const format = isDataTable(elem) ? builder.options.formatters.dataTable : builder.options.formatters.block;
  if (format) format(elem, walk, builder, formatOptions);
  else walk(elem.children, builder);
}

/** Header cells, or a grid of short cells with no table inside: data. Anything else: layout. */
function isDataTable(table: DomNode): boolean {
  const rows: DomNode[] = [];
  const collectRows = (node: DomNode): void => {
    for (const child of node.children ?? []) {
      if (child.type !== 'tag') continue;
      if (child.name === 'tr') rows.push(child);
      else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') collectRows(child);
    }
  };
  collectRows(table);
  let header = false;
  let multiColumnRows = 0;
  for (const row of rows) {
    const cells = (row.children ?? []).filter((c) => c.type === 'tag' && (c.name === 'td' || c.name === 'th'));
    if (cells.length >= 2) multiColumnRows++;
    for (const cell of cells) {
      if (cell.name === 'th') header = true;
      if (containsTag(cell, 'table', 0) || textLength(cell, 0) > MAX_DATA_CELL_CHARS) return false;
    }
  }
  return header ? rows.length > 0 : rows.length >= 2 && multiColumnRows >= rows.length / 2;
}

function containsTag(node: DomNode, name: string, depth: number): boolean {
  if (depth > 50) return true;
  return (node.children ?? []).some((c) => c.type === 'tag' && (c.name === name || containsTag(c, name, depth + 1)));
}

function textLength(node: DomNode, depth: number): number {
  if (depth > 50) return Infinity;
  let n = 0;
  for (const c of node.children ?? []) {
    n += c.type === 'text' ? (c.data ?? '').trim().length : textLength(c, depth + 1);
    if (n > MAX_DATA_CELL_CHARS) break;
  }
  return n;
}

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: MAX_HTML_CHARS, maxDepth: 200, ellipsis: '…' },
  formatters: {
    smartTable: formatSmartTable,
    altText: (elem, _walk, builder) => {
      const alt = typeof elem.attribs?.alt === 'string' ? elem.attribs.alt.trim() : '';
      if (alt) builder.addInline(alt, { noWordTransform: true });
    },
  },
  selectors: [
    {
      selector: 'a',
      options: {
        linkBrackets: ['[', ']'],
        hideLinkHrefIfSameAsText: true,
        noAnchorUrl: true,
        // data: URLs can be megabytes of base64 and cid: points into the message itself.
        pathRewrite: (path: string) => (/^\s*(data|cid|javascript):/i.test(path) ? '' : path),
      },
    },
    { selector: 'img', format: 'altText' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'smartTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 40 } },
    // Only reached inside layout tables (the data-table formatter walks cells itself).
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
    { selector: 'th', format: 'block' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'svg', format: 'skip' },
    { selector: 'object', format: 'skip' },
  ],
};

export interface HtmlConversion {
  text: string;
  warning?: string;
}

export function htmlToReadableText(html: string): HtmlConversion {
  const warning =
    html.length > MAX_HTML_CHARS ? `The HTML body is very large; only its first ${MAX_HTML_CHARS.toLocaleString('en')} characters are shown.` : undefined;
  const bounded = boundHtml(html.slice(0, MAX_HTML_CHARS));
  const cut = [warning, bounded.cut].filter((w) => w !== undefined).join(' ') || undefined;
  let text: string | undefined;
  try {
    text = tidy(convert(bounded.html, OPTIONS));
  } catch {
    text = undefined;
  }
  // The converter replaces whatever lies deeper than maxDepth with "…": if that ate everything,
  // (or it threw) fall back to dropping the tags and keeping the words.
  if (text === undefined || text.replace(/…/g, '').trim() === '') {
    const stripped = stripTags(html);
    if (stripped !== '' || text === undefined) {
      return { text: stripped, warning: 'The HTML body could not be converted cleanly; its tags were stripped instead.' };
    }
  }
  return { text, warning: cut };
}

function stripTags(html: string): string {
  return tidy(
    html
      .slice(0, MAX_HTML_CHARS)
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/gi, ' ')
      .replace(/&lt;/gi, '<')
      .replace(/&gt;/gi, '>')
      .replace(/&quot;/gi, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/gi, '&')
      .replace(/[ \t]{2,}/g, ' '),
  );
}

/** Trailing spaces and runs of blank lines are layout noise from table-based HTML. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
