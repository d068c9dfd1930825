// The bytes of one piece of a message, for handing it to another program (open with the system
// handler, view the HTML in a browser): attachment `index` as saveAttachment numbers it, or the
// HTML body. One pass of the same walker, so the numbering matches the reader's list.
import { walkMessage } from './mime-walk.js';
import { attachmentFilename, fallbackFilename } from './attachment-filename.js';
import type { MessageSource } from './types.js';

export interface MessageContent {
  bytes: Buffer;
  /** Already a safe file name (sanitized by attachmentFilename). */
  filename: string;
  contentType: string;
}

/** Attachment `index`, read whole (a hand-off needs a file anyway); undefined when there is none. */
export async function attachmentContent(source: MessageSource, index: number): Promise<MessageContent | undefined> {
  let found: MessageContent | undefined;
  const result = await walkMessage(source, {
    onAttachment: async (att, i) => {
      const chunks: Buffer[] = [];
      for await (const c of att.content) if (i === index) chunks.push(c as Buffer);
      if (i !== index) return;
      const filename = attachmentFilename(att.filename, i, att.contentType).filename || fallbackFilename(i, att.contentType);
      found = { bytes: Buffer.concat(chunks), filename, contentType: att.contentType || 'application/octet-stream' };
    },
  });
  if (result.failure && !found) throw result.failure;
  return found;
}

/** The message's HTML body as a UTF-8 file's bytes; undefined for a message without one. */
export async function htmlContent(source: MessageSource): Promise<MessageContent | undefined> {
  const result = await walkMessage(source, { onAttachment: async (att) => void att.content.resume() });
  const html = result.text?.html;
  if (typeof html !== 'string' || html.trim() === '') {
    if (result.failure) throw result.failure;
    return undefined;
  }
  // A declared charset would lie once mailparser has decoded the text to a JS string.
  const bytes = Buffer.from(`<meta charset="utf-8">\n${html}`, 'utf8');
  return { bytes, filename: 'message.html', contentType: 'text/html' };
}
