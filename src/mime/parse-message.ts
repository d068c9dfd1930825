// parseMessage: raw RFC 5322 source → what the reader pane shows. Never throws for anything a
// message can contain: malformed MIME is parsed best effort and described in `warnings`.
import type { HeaderLines } from 'mailparser';
import type { AttachmentInfo, BodySource, MessageSource, ParsedMessage } from './types.js';
import { attachmentFilename } from './attachment-filename.js';
import { buildDisplayHeaders } from './display-headers.js';
import { htmlToReadableText } from './html-text.js';
import { RAW_HEAD_BYTES, walkMessage } from './mime-walk.js';
import { sanitizeLine, sanitizeText } from '../text/sanitize.js';
import { closingBoundaryMissing, rawBodyFallback } from './raw-message-checks.js';
import { structureWarnings } from './structure-warnings.js';

export interface ParseOptions {
  /** Longest body text returned, in characters; the rest is cut with a warning. */
  maxBodyChars?: number;
}

const DEFAULT_MAX_BODY_CHARS = 4_000_000;
const MAX_ATTACHMENTS_LISTED = 1000; // mailparser itself refuses more than 1000 parts

export async function parseMessage(source: MessageSource, options: ParseOptions = {}): Promise<ParsedMessage> {
  const warnings: string[] = [];
  let headerLines: HeaderLines | undefined;
  const attachments: AttachmentInfo[] = [];

  const result = await walkMessage(source, {
    onHeaderLines: (lines) => {
      headerLines = lines;
    },
    onAttachment: (att, index) =>
      new Promise<void>((resolve) => {
        // Count the bytes and let them go: listing an attachment must not hold its content.
        // An attachment cut short (the source failed) is still listed, so that a list entry's
        // position always equals its `index`.
        let size = 0;
        let listed = false;
        const list = (): void => {
          if (listed) return;
          listed = true;
          if (attachments.length < MAX_ATTACHMENTS_LISTED) {
            const { filename, fromMessage } = attachmentFilename(att.filename, index, att.contentType);
            attachments.push({
              index,
              filename,
              filenameFromMessage: fromMessage,
              contentType: sanitizeLine(att.contentType).trim() || 'application/octet-stream',
              size,
              contentId: att.cid ? sanitizeLine(att.cid).trim() : undefined,
              inline: att.contentDisposition === 'inline' || att.related === true,
            });
          }
          resolve();
        };
        att.content.on('data', (chunk: Buffer) => (size += chunk.length));
        att.content.once('end', list).once('error', list).once('close', list);
      }),
  });

  if (result.failure) warnings.push(`The message could not be read completely (${describe(result.failure)}); showing what was read.`);
  const headers = buildDisplayHeaders(headerLines, warnings);
  const structure = structureWarnings(result.tree);
  warnings.push(...structure.warnings);
  if (!result.failure && !structure.emptyMultipart && closingBoundaryMissing(headerLines, result.rawTail)) {
    warnings.push('The message seems truncated: its closing MIME boundary is missing.');
  }

  let body = chooseBody(result.text, warnings);
  const structureSuspect = result.failure !== undefined || structure.emptyMultipart || body.source === 'none' || headers.headerLines.length === 0;
  if (body.text.trim() === '' && attachments.length === 0 && structureSuspect) {
    // Nothing usable came out of a broken MIME structure: the raw text beats showing nothing.
    // (A well-formed message that is simply empty, or HTML of images only, is left alone.)
    const raw = rawBodyFallback(result.rawHead);
    if (raw.trim() !== '') {
      body = { text: raw, source: 'plain' };
      warnings.push(
        result.rawHead.length >= RAW_HEAD_BYTES
          ? 'The MIME structure could not be used; the start of the raw message text is shown.'
          : 'The MIME structure could not be used; the raw message text is shown.',
      );
    }
  }
  if (body.text.includes('\ufffd')) {
    warnings.push('Parts of the text are not valid in their declared encoding or character set.');
  }
  const maxBody = options.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS;
  let bodyText = sanitizeText(body.text);
  if (bodyText.length > maxBody) {
    bodyText = bodyText.slice(0, maxBody);
    warnings.push(`The body is very long; only its first ${maxBody.toLocaleString('en')} characters are shown.`);
  }

  return {
    ...headers,
    bodyText,
    bodySource: body.source,
    attachments,
    warnings: [...new Set(warnings.map((w) => sanitizeLine(w)))],
  };
}

function chooseBody(text: { text?: string; html?: string } | undefined, warnings: string[]): { text: string; source: BodySource } {
  // With skipHtmlToText mailparser's `text` holds only text/plain parts (HTML parts add '').
  if (text?.text !== undefined && text.text.trim() !== '') return { text: text.text, source: 'plain' };
  if (text?.html !== undefined && text.html.trim() !== '') {
    const converted = htmlToReadableText(text.html);
    if (converted.warning) warnings.push(converted.warning);
    return { text: converted.text, source: 'html' };
  }
  if (text?.text === undefined && text?.html === undefined) return { text: '', source: 'none' };
  return { text: text?.text ?? '', source: 'plain' };
}

function describe(err: Error): string {
  const message = sanitizeLine(err.message || String(err)).trim();
  return message.length > 120 ? `${message.slice(0, 120)}…` : message || 'unknown error';
}
