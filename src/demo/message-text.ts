// Decoded text of a demo message, for SEARCH: headers with RFC 2047 words decoded and the text
// parts' bodies decoded (base64 / quoted-printable). Cached per message buffer.
// libmime decodes RFC 2047 words (a static import, so the bundle includes it).
import libmime from 'libmime';
import { type MimePart, parseMime } from './mime-tree.js';

const cache = new WeakMap<Buffer, { header: string; body: string; root: MimePart }>();

function decodeBody(part: MimePart): string {
  const cte = (part.fields.get('content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(part.body.toString('latin1').replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') {
    const bytes = part.body
      .toString('latin1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return part.body.toString('utf8');
}

function texts(part: MimePart): string[] {
  if (part.children.length) return part.children.flatMap(texts);
  return part.type === 'text' ? [decodeBody(part)] : [];
}

export function messageText(raw: Buffer): { header: string; body: string; root: MimePart } {
  let v = cache.get(raw);
  if (!v) {
    const root = parseMime(raw);
    let header = root.header.toString('utf8');
    try {
      header = libmime.decodeWords(header);
    } catch {
      // keep the raw header
    }
    v = { header, body: texts(root).join('\n'), root };
    cache.set(raw, v);
  }
  return v;
}

export function decodedField(raw: Buffer, name: string): string {
  const value = messageText(raw).root.fields.get(name.toLowerCase()) ?? '';
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
