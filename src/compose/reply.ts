// Drafts for reply, reply-all and forward, built from a parsed original (src/mime): threading
// headers, "Re:"/"Fwd:" once, "> " quoting, and the recipient choice (reply-all minus self).
import type { Address } from '../domain/index.js';
import type { ParsedMessage } from '../mime/types.js';
import { formatAddress, type Draft } from './draft.js';

export type ReplyMode = 'reply' | 'replyAll';

/** Who "self" is: the From used for sending plus every address of this account. */
export interface Identity {
  from: string;
  addresses: string[];
}

const MAX_REFERENCES = 20;

export function replySubject(subject: string): string {
  const bare = subject.replace(/^\s*((re|aw|sv|antw)(\[\d+\])?\s*:\s*)+/i, '');
  return `Re: ${bare}`.trimEnd();
}

export function forwardSubject(subject: string): string {
  const bare = subject.replace(/^\s*((fwd?|wg)\s*:\s*)+/i, '');
  return `Fwd: ${bare}`.trimEnd();
}

export function buildReply(original: ParsedMessage, mode: ReplyMode, me: Identity): Draft {
  const mine = new Set(me.addresses.map((a) => a.toLowerCase()));
  const isMe = (a: Address) => mine.has(a.address.toLowerCase());
  const author = original.replyTo.length ? original.replyTo : original.from;
  let to: Address[];
  let cc: Address[] = [];
  if (original.from.length && original.from.every(isMe)) {
    // Replying to one's own message (from Sent): it goes to the same people again.
    to = original.to;
    if (mode === 'replyAll') cc = original.cc;
  } else {
    to = author;
    if (mode === 'replyAll') {
      to = [...author, ...original.to];
      cc = original.cc;
    }
  }
  const seen = new Set<string>();
  const keep = (list: Address[]) =>
    list.filter((a) => {
      const key = a.address.toLowerCase();
      if (!a.address || seen.has(key) || (mode === 'replyAll' && mine.has(key))) return false;
      seen.add(key);
      return true;
    });
  const toList = keep(to);
  const ccList = keep(cc);
  const references = [...original.references];
  if (original.messageId) references.push(original.messageId);
  const draft: Draft = {
    from: me.from,
    to: toList.map(formatAddress).join(', '),
    cc: ccList.map(formatAddress).join(', '),
    bcc: '',
    subject: replySubject(original.subject),
    attachments: [],
    // An empty first line to write on, then the attribution and the quote.
    body: `\n\n${attribution(original)}\n${quote(original.bodyText)}`,
  };
  if (original.messageId) draft.inReplyTo = original.messageId;
  if (references.length) draft.references = references.slice(-MAX_REFERENCES);
  return draft;
}

export function buildForward(original: ParsedMessage, me: Identity, attachmentPaths: string[]): Draft {
  const header = [
    '---------- Forwarded message ----------',
    `From: ${list(original.from)}`,
    `Date: ${original.date ? original.date.toUTCString() : '(unknown)'}`,
    `Subject: ${original.subject}`,
    `To: ${list(original.to)}`,
    ...(original.cc.length ? [`Cc: ${list(original.cc)}`] : []),
  ];
  return {
    from: me.from,
    to: '',
    cc: '',
    bcc: '',
    subject: forwardSubject(original.subject),
    attachments: attachmentPaths,
    body: `\n${header.join('\n')}\n\n${original.bodyText.replace(/\r\n/g, '\n')}`,
  };
}

/** "> " before every line; an empty line becomes ">" (no trailing space). */
export function quote(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  return `${lines.map((l) => (l === '' ? '>' : l.startsWith('>') ? `>${l}` : `> ${l}`)).join('\n')}\n`;
}

function attribution(m: ParsedMessage): string {
  const who = m.from[0] ? m.from[0].name || m.from[0].address : 'someone';
  return m.date ? `On ${m.date.toUTCString()}, ${who} wrote:` : `${who} wrote:`;
}

function list(addresses: Address[]): string {
  return addresses.map(formatAddress).join(', ');
}
