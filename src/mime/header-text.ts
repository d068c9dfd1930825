// Turning raw header bytes into display text. mailparser hands header lines over as binary
// strings (one char per byte); bytes that are not valid UTF-8 (undeclared Latin-1 from old
// mailers) would come out as U+FFFD, so we fall back to Windows-1252, the superset of Latin-1
// that such mail is nearly always written in.
import libmime from 'libmime';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

export interface DecodedBytes {
  text: string;
  /** True when the bytes were not UTF-8 and were read as Windows-1252. */
  fellBack: boolean;
}

export function decodeHeaderBytes(binary: string): DecodedBytes {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(binary)) return { text: binary, fellBack: false };
  const bytes = Buffer.from(binary, 'latin1');
  try {
    return { text: utf8.decode(bytes), fellBack: false };
  } catch {
    return { text: cp1252.decode(bytes), fellBack: true };
  }
}

/** Removes header folding (CRLF followed by white space). */
export function unfold(line: string): string {
  return line.replace(/\r?\n/g, '');
}

/** Decodes RFC 2047 encoded words; a malformed one is left as it was. */
export function decodeEncodedWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
