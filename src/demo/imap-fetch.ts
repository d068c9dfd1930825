// FETCH data items for the demo IMAP server.
import { bodyStructure, envelope } from './imap-format.js';
import { text, type Token } from './imap-tokens.js';
import { flagList, internalDate } from './imap-values.js';
import type { StoredMessage } from './mail-store.js';
import { headerFields, type MimePart, partAt } from './mime-tree.js';
import { messageText } from './message-text.js';

export class FetchError extends Error {}

export interface FetchItem {
  name: string;
  /** BODY[...]: section, partial, and whether it sets \Seen. */
  section?: string;
  partial?: [number, number | undefined];
  peek?: boolean;
}

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

export function parseFetchItems(t: Token | undefined): FetchItem[] {
  const atoms = Array.isArray(t) ? t.map(text) : [text(t)];
  const items: FetchItem[] = [];
  for (const atom of atoms) {
    const upper = atom.toUpperCase();
    if (MACROS[upper]) {
      items.push(...MACROS[upper].map((name) => ({ name })));
      continue;
    }
    const body = /^(BODY(?:\.PEEK)?|BINARY(?:\.PEEK)?)\[([^\]]*)\](?:<(\d+)(?:\.(\d+))?>)?$/i.exec(atom);
    if (body) {
      const item: FetchItem = { name: 'BODY', section: body[2]!, peek: /PEEK/i.test(body[1]!) };
      if (body[3] !== undefined) item.partial = [Number(body[3]), body[4] === undefined ? undefined : Number(body[4])];
      items.push(item);
      continue;
    }
    if (
      ['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ'].includes(upper)
    ) {
      items.push({ name: upper });
      continue;
    }
    throw new FetchError(`unknown FETCH item ${atom}`);
  }
  return items;
}

function headerSubset(header: Buffer, names: string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const lines = header.toString('utf8').split(/\r\n(?![ \t])/);
  const kept = lines.filter((l) => {
    const colon = l.indexOf(':');
    if (colon <= 0) return false;
    return wanted.has(l.slice(0, colon).trim().toLowerCase()) !== not;
  });
  return Buffer.from(kept.map((l) => `${l}\r\n`).join('') + '\r\n');
}

/** The bytes of BODY[section]. */
export function sectionBytes(raw: Buffer, section: string, root: MimePart): Buffer {
  const s = section.toUpperCase();
  if (s === '') return raw;
  const m = /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(?:\((.*)\))?$/.exec(s);
  if (!m) throw new FetchError(`bad section ${section}`);
  const path = m[1] ? m[1].split('.').map(Number) : [];
  const part = path.length ? partAt(root, path) : root;
  if (!part) return Buffer.alloc(0);
  const kind = m[2];
  const names = (m[3] ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => n.replace(/^"|"$/g, ''));
  if (!kind) return path.length ? part.body : raw;
  if (kind === 'HEADER' || kind === 'MIME') return part.header;
  if (kind === 'TEXT') return part.body;
  return headerSubset(part.header, names, kind === 'HEADER.FIELDS.NOT');
}

type Piece = string | [label: string, data: Buffer];

/**
 * The FETCH response for one message as buffer pieces; `setSeen` is called when a non-PEEK body
 * item is fetched (the caller changes the store and reports FLAGS).
 */
export function fetchResponse(seq: number, m: StoredMessage, items: FetchItem[], withUid: boolean, setSeen: () => void): Buffer[] {
  const out: Piece[] = [];
  const names = new Set(items.map((i) => i.name));
  const wantUid = withUid || names.has('UID');
  if (wantUid) out.push(`UID ${m.uid}`);
  let seenSet = false;
  for (const item of items) {
    if (item.name === 'BODY' && item.section === undefined) {
      out.push(`BODY ${bodyStructure(messageText(m.raw).root, false)}`);
      continue;
    }
    if (item.name === 'BODY' || item.name === 'RFC822' || item.name === 'RFC822.TEXT') {
      const root = messageText(m.raw).root;
      const section = item.section ?? (item.name === 'RFC822.TEXT' ? 'TEXT' : '');
      let data = sectionBytes(m.raw, section, root);
      let label = item.name === 'BODY' ? `BODY[${section}]` : item.name;
      if (item.partial) {
        const [from, len] = item.partial;
        data = data.subarray(from, len === undefined ? undefined : from + len);
        label += `<${from}>`;
      }
      if (!item.peek && !m.flags.has('\\Seen')) {
        setSeen();
        seenSet = true;
      }
      out.push([label, data]);
      continue;
    }
    switch (item.name) {
      case 'UID':
        break;
      case 'FLAGS':
        break;
      case 'INTERNALDATE':
        out.push(`INTERNALDATE "${internalDate(m.internalDate)}"`);
        break;
      case 'RFC822.SIZE':
        out.push(`RFC822.SIZE ${m.raw.length}`);
        break;
      case 'ENVELOPE':
        out.push(`ENVELOPE ${envelope(messageText(m.raw).root)}`);
        break;
      case 'BODYSTRUCTURE':
        out.push(`BODYSTRUCTURE ${bodyStructure(messageText(m.raw).root, true)}`);
        break;
      case 'RFC822.HEADER':
        out.push(['RFC822.HEADER', messageText(m.raw).root.header]);
        break;
      case 'MODSEQ':
        out.push('MODSEQ (1)');
        break;
    }
  }
  if (names.has('FLAGS') || seenSet) out.splice(wantUid ? 1 : 0, 0, `FLAGS ${flagList(m.flags)}`);
  const pieces: Buffer[] = [Buffer.from(`* ${seq} FETCH (`)];
  out.forEach((p, i) => {
    if (i > 0) pieces.push(Buffer.from(' '));
    if (typeof p === 'string') pieces.push(Buffer.from(p));
    else pieces.push(Buffer.from(`${p[0]} {${p[1].length}}\r\n`), p[1]);
  });
  pieces.push(Buffer.from(')\r\n'));
  return pieces;
}

export { headerFields };
