// HTML bodies as readable terminal text. Options differ from mailparser's built-in conversion:
// no word wrapping (the reader pane wraps to its own width), links as "text [url]", images as
// their alt text only, nothing from <script>/<style>/<head>, and hard limits so a hostile HTML
// body cannot make the conversion run away.
import { convert, type HtmlToTextOptions } from 'html-to-text';

/** Characters of HTML we convert; the rest is dropped with a warning. */
export const MAX_HTML_CHARS = 2_000_000;

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: MAX_HTML_CHARS, maxDepth: 200, ellipsis: '…' },
  formatters: {
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
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 40 } },
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
    html.length > MAX_HTML_CHARS
      ? `The HTML body is very large; only its first ${MAX_HTML_CHARS.toLocaleString('en')} characters are shown.`
      : undefined;
  let text: string | undefined;
  try {
    text = tidy(convert(html, OPTIONS));
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
  return { text, warning };
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
