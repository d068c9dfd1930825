// The MIME module's public surface: what the reader pane and the message list use.
export type { AttachmentInfo, BodySource, MessageSource, ParsedMessage } from './types.js';
export { parseMessage, type ParseOptions } from './parse-message.js';
export { renderBody } from './render-body.js';
export { displayWidth, padToWidth, splitAtWidth, truncateToWidth } from './display-width.js';
export { saveAttachment, SaveAttachmentError, type SaveAttachmentOptions, type SavedAttachment } from './save-attachment.js';
export { sanitizeFilename } from './attachment-filename.js';
export { sanitizeLine, sanitizeText } from './sanitize.js';
