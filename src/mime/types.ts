// What the MIME module hands to the reader pane. Every string in here has been through
// sanitize.ts already, so the UI may print it as is.
import type { Readable } from 'node:stream';
import type { Address } from '../domain/index.js';

/** A raw RFC 5322 message: a stream (e.g. `MailAccount.fetchRaw`) or the bytes themselves. */
export type MessageSource = Readable | Buffer;

export interface AttachmentInfo {
  /** Position among the message's attachments, 0-based; pass it to `saveAttachment`. */
  index: number;
  /** Safe file name: sanitized, no path parts; `attachment-N.ext` when the message gave none. */
  filename: string;
  /** True when the message named the file itself (false: `filename` is our fallback). */
  filenameFromMessage: boolean;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Content-ID without angle brackets, for `cid:` references from HTML. */
  contentId?: string;
  /** Shown in the body (disposition inline, or an embedded image of multipart/related). */
  inline: boolean;
}

export type BodySource = 'plain' | 'html' | 'none';

export interface ParsedMessage {
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  /** Absent when the Date header is missing or unparseable (a warning says which). */
  date?: Date;
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** Every header line for the full-headers view: unfolded, encoded words decoded, sanitized. */
  headerLines: string[];
  /** The body as readable text: text/plain if present, else HTML converted to text. */
  bodyText: string;
  bodySource: BodySource;
  attachments: AttachmentInfo[];
  /** What was wrong with the message and how it was worked around; empty for a clean message. */
  warnings: string[];
}
