// Identity for messages on a server without UIDL: a hash of headers that do not change while a
// message sits in a maildrop (Message-ID, Date, From, Subject) plus its size. Two messages equal in
// all of these get an occurrence suffix (#2, #3…) in server order. Weaker than UIDL — the sync
// reports `usedHeaderHashFallback` so the user is told.
import { createHash } from 'node:crypto';

const FIELDS = ['message-id', 'date', 'from', 'subject'] as const;

/** Raw (unfolded, trimmed) values of the fields we hash; the header ends at the first empty line. */
export function selectedHeaders(header: Buffer): Record<string, string> {
  const text = header.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if ((FIELDS as readonly string[]).includes(name) && !(name in out)) out[name] = line.slice(colon + 1).trim();
  }
  return out;
}

export function headerHash(header: Buffer, size: number): string {
  const h = selectedHeaders(header);
  const material = [...FIELDS.map((f) => h[f] ?? ''), String(size)].join('\u0000');
  return `hh:${createHash('sha256').update(material, 'latin1').digest('hex').slice(0, 40)}`;
}

/** Makes ids unique in order: the second occurrence of X becomes "X#2". */
export function disambiguate(ids: string[]): string[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}#${n}`;
  });
}
