// File names proposed by a message are hostile input: they may carry path separators, "..",
// control characters, names that Windows treats as devices, or enough bytes to overflow
// NAME_MAX. This turns any of them into one plain file name, or a fallback of our own.
import libmime from 'libmime';
import { sanitizeFilename } from './safe-filename.js';

export { sanitizeFilename };

/** `attachment-3.pdf`: what an unnamed attachment is called (index is 0-based, the name 1-based). */
export function fallbackFilename(index: number, contentType: string): string {
  let ext = '';
  try {
    ext = libmime.detectExtension(contentType) || 'bin';
  } catch {
    ext = 'bin';
  }
  return `attachment-${index + 1}.${ext.replace(/[^A-Za-z0-9]/g, '') || 'bin'}`;
}

/** The name to show and save under: the message's name if usable, else the fallback. */
export function attachmentFilename(
  name: string | undefined,
  index: number,
  contentType: string,
): {
  filename: string;
  fromMessage: boolean;
} {
  const cleaned = name === undefined ? '' : sanitizeFilename(name);
  return cleaned ? { filename: cleaned, fromMessage: true } : { filename: fallbackFilename(index, contentType), fromMessage: false };
}
