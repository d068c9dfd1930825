// A postponed draft (a message in the Drafts folder) back into the editable draft text: its
// headers, including the Bcc our postponed copies keep, its plain text and its attachments (saved
// beside the draft file by the caller). Parsed with mailparser; every string is sanitized, as the
// message may have been put into Drafts by any client.
import type { AddressObject } from 'mailparser';
import { sanitizeLine, sanitizeText } from '../text/sanitize.js';
import { formatAddress, type Draft } from './draft.js';

const MAX_REFERENCES = 20;

export async function draftFromMessage(raw: Buffer, attachmentPaths: string[]): Promise<Draft> {
  const { simpleParser } = await import('mailparser');
  const m = await simpleParser(raw, { skipHtmlToText: false, skipTextLinks: true });
  const list = (v: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(v) ? v : v ? [v] : [])
      .flatMap((o) => o.value)
      .flatMap((a) => (a.group ? a.group : [a]))
      .filter((a) => a.address)
      .map((a) => formatAddress({ name: sanitizeLine(a.name ?? '').trim(), address: sanitizeLine(a.address!).trim() }))
      .join(', ');
  const references = (Array.isArray(m.references) ? m.references : m.references ? [m.references] : []).map(sanitizeLine).filter(Boolean);
  // The placeholder postpone() uses for a draft with no recipient yet is not given back.
  const to = list(m.to).replace(/^undisclosed-recipients@invalid$/, '');
  const draft: Draft = {
    from: list(m.from),
    to,
    cc: list(m.cc),
    bcc: list(m.bcc),
    subject: sanitizeLine(m.subject ?? ''),
    attachments: attachmentPaths,
    body: sanitizeText((m.text ?? '').replace(/\r\n?/g, '\n')),
  };
  if (m.inReplyTo) draft.inReplyTo = sanitizeLine(m.inReplyTo);
  if (references.length) draft.references = references.slice(-MAX_REFERENCES);
  return draft;
}
