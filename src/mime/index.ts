// The MIME module's public surface: what the reader pane and the message list use.
//
// - parseMessage(source) never throws for anything a message contains; what was wrong is in
//   `warnings`. Every string it returns has been through sanitize.ts.
// - Memory: parsing streams. Attachment content is counted and dropped (never held), text bodies
//   are held once (capped at 4M characters for display), plus at most 1 MiB of the raw start and
//   8 KiB of the raw end for the broken-structure fallback and the truncation check. A Buffer
//   source is, of course, already in memory; a stream from MailAccount.fetchRaw is not buffered.
// - Attachment `index` is the position in `attachments` (0-based) and what saveAttachment takes;
//   both number parts in the same single pass of the same parser.
// - Width helpers (display-width.ts) have no mail-library imports, so the UI can load them eagerly.
export type { AttachmentInfo, BodySource, MessageSource, ParsedMessage } from './types.js';
export { parseMessage, type ParseOptions } from './parse-message.js';
export { renderBody, wrapWords } from './render-body.js';
export { displayWidth, padToWidth, splitAtWidth, truncateToWidth } from '../text/display-width.js';
export { saveAttachment, SaveAttachmentError, type SaveAttachmentOptions, type SavedAttachment } from './save-attachment.js';
export { sanitizeFilename } from './attachment-filename.js';
export { sanitizeLine, sanitizeText } from '../text/sanitize.js';
export { findPart, partRanges, rawPart, type PartRange } from './part-ranges.js';
