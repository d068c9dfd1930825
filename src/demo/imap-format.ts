// IMAP response syntax for the demo server: strings, address lists, ENVELOPE, BODYSTRUCTURE.
import { type MimePart, parseParams } from './mime-tree.js';

/** A quoted string, or a literal when it cannot be quoted (line breaks, 8-bit, very long). */
export function istring(value: string | undefined | null): string {
  if (value === undefined || value === null) return 'NIL';
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]|[^\u0000-\u007f]/.test(value) || value.length > 1000) {
    return `{${Buffer.byteLength(value)}}\r\n${value}`;
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function splitAddressList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"' && !cur.endsWith('\\')) quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle--;
    if (ch === ',' && !quoted && angle === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function parseAddress(text: string): { name?: string; mailbox: string; host: string } {
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(text);
  const name = m
    ? m[1]!
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/\\(.)/g, '$1')
    : undefined;
  const address = (m ? m[2]! : text).trim();
  const at = address.lastIndexOf('@');
  return { name: name || undefined, mailbox: at === -1 ? address : address.slice(0, at), host: at === -1 ? '' : address.slice(at + 1) };
}

function addressList(value: string | undefined): string {
  if (!value) return 'NIL';
  const list = splitAddressList(value).map(parseAddress);
  if (list.length === 0) return 'NIL';
  return `(${list.map((a) => `(${istring(a.name)} NIL ${istring(a.mailbox)} ${istring(a.host)})`).join('')})`;
}

export function envelope(root: MimePart): string {
  const f = root.fields;
  const from = f.get('from');
  return `(${[
    istring(f.get('date')),
    istring(f.get('subject')),
    addressList(from),
    addressList(f.get('sender') ?? from),
    addressList(f.get('reply-to') ?? from),
    addressList(f.get('to')),
    addressList(f.get('cc')),
    addressList(f.get('bcc')),
    istring(f.get('in-reply-to')),
    istring(f.get('message-id')),
  ].join(' ')})`;
}

function paramList(params: Record<string, string>, skip: string[] = []): string {
  const entries = Object.entries(params).filter(([k]) => !skip.includes(k));
  if (entries.length === 0) return 'NIL';
  return `(${entries.map(([k, v]) => `${istring(k.toUpperCase())} ${istring(v)}`).join(' ')})`;
}

function disposition(part: MimePart): string {
  const value = part.fields.get('content-disposition');
  if (!value) return 'NIL';
  const d = parseParams(value);
  return `(${istring(d.main.toUpperCase())} ${paramList(d.params)})`;
}

function lineCount(body: Buffer): number {
  let n = 0;
  for (let i = body.indexOf(0x0a); i !== -1; i = body.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** BODYSTRUCTURE (extensible = true) or BODY (false) of a part. */
export function bodyStructure(part: MimePart, extensible: boolean): string {
  if (part.children.length > 0) {
    const kids = part.children.map((c) => bodyStructure(c, extensible)).join('');
    const ext = extensible ? ` ${paramList(part.params)} ${disposition(part)} NIL NIL` : '';
    return `(${kids} ${istring(part.subtype.toUpperCase())}${ext})`;
  }
  const f = part.fields;
  const fields = [
    istring(part.type.toUpperCase()),
    istring(part.subtype.toUpperCase()),
    paramList(part.params),
    istring(f.get('content-id')),
    istring(f.get('content-description')),
    istring((f.get('content-transfer-encoding') ?? '7BIT').toUpperCase()),
    String(part.body.length),
  ];
  if (part.type === 'text') fields.push(String(lineCount(part.body)));
  if (extensible) fields.push('NIL', disposition(part), 'NIL', 'NIL');
  return `(${fields.join(' ')})`;
}
