// Signatures per identity: text from the config or a file, put under the body after the usual
// "-- " line (RFC 3676 4.3: dash dash space), so mail readers can tell it apart. Added once when a
// draft is made — a draft read back after an edit is never given a second one — and swapped (not
// stacked) when the user switches identity on the confirm screen.
import { readFile } from 'node:fs/promises';
import type { IdentityConfig } from '../config/types.js';
import { sanitizeText } from '../text/sanitize.js';
import { DraftError } from './draft.js';

export const SEPARATOR = '-- ';
const MAX_SIGNATURE = 8 * 1024;

/** The identity's signature, sanitized (no control characters but newlines), '' for none. */
export async function readSignature(identity: IdentityConfig): Promise<string> {
  let text = identity.signature ?? '';
  if (identity.signatureFile) {
    let buf: Buffer;
    try {
      buf = await readFile(identity.signatureFile);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new DraftError(`the signature file ${identity.signatureFile} of ${identity.from} cannot be read (${code})`);
    }
    if (buf.length > MAX_SIGNATURE)
      throw new DraftError(`the signature file ${identity.signatureFile} is larger than ${MAX_SIGNATURE / 1024} KB; is it the right file?`);
    text = buf.toString('utf8');
  }
  // A file written for mutt may already start with the separator line: it is added here.
  const lines = sanitizeText(text.replace(/\r\n?/g, '\n')).split('\n');
  if (lines[0]?.trimEnd() === '--') lines.shift();
  return lines
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** `body` with `signature` at its end, unless it already ends with it. */
export function addSignature(body: string, signature: string): string {
  if (!signature) return body;
  const block = `${SEPARATOR}\n${signature}\n`;
  if (body.endsWith(block)) return body;
  const text = body.replace(/\n+$/, '');
  return `${text}\n\n${block}`;
}

/**
 * `body` with the signature `from` at its end replaced by `to`. When the end is not exactly `from`
 * (the user edited it), the body is left alone rather than guessed at: `replaced` says so.
 */
export function swapSignature(body: string, from: string, to: string): { body: string; replaced: boolean } {
  if (from === to) return { body, replaced: true };
  let rest = body;
  if (from) {
    const block = `\n${SEPARATOR}\n${from}\n`;
    const end = body.endsWith(block) ? body.length - block.length : body.endsWith(block.slice(0, -1)) ? body.length - block.length + 1 : -1;
    if (end < 0) return { body, replaced: false };
    rest = `${body.slice(0, end).replace(/\n+$/, '')}\n`;
  } else if (new RegExp(`^${SEPARATOR}$`, 'm').test(body)) {
    return { body, replaced: false };
  }
  return { body: to ? addSignature(rest, to) : rest, replaced: true };
}
