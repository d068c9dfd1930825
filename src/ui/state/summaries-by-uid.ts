// Search answers with UIDs, but MailAccount fetches summaries by position. A backend may offer
// `fetchSummaries(path, uids)`; otherwise the header block of each visible match is read via
// fetchRaw (only the rows on screen, so at most a page of small reads).
import type { Readable } from 'node:stream';
import type { MailAccount, MessageSummary } from '../../accounts/account.js';

const MAX_HEADER_BYTES = 256 * 1024;

async function readHeaderBlock(stream: Readable): Promise<string> {
  let buf = '';
  try {
    for await (const chunk of stream) {
      buf += Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
      const end = buf.search(/\r?\n\r?\n/);
      if (end >= 0) return buf.slice(0, end);
      if (buf.length > MAX_HEADER_BYTES) break;
    }
    return buf;
  } finally {
    stream.destroy();
  }
}

export async function summariesByUid(account: MailAccount, path: string, uids: number[]): Promise<MessageSummary[]> {
  if (account.fetchSummaries) return account.fetchSummaries(path, uids);
  const { simpleParser } = await import('mailparser');
  const out: MessageSummary[] = [];
  for (const uid of uids) {
    const header = await readHeaderBlock(await account.fetchRaw(path, uid));
    const parsed = await simpleParser(`${header}\r\n\r\n`);
    const from = parsed.from?.value ?? [];
    out.push({
      uid,
      // Unknown without another round trip; opening it sets \Seen either way.
      flags: [],
      date: parsed.date ?? new Date(0),
      from: from.map((a) => ({ name: a.name ?? '', address: a.address ?? '' })),
      to: [],
      cc: [],
      subject: parsed.subject ?? '',
      size: 0,
      hasAttachments: false,
      location: { kind: 'server' },
    });
  }
  return out;
}
