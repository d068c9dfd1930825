// Draft → RFC 5322 bytes with nodemailer's MailComposer (encoded words for non-ASCII names and
// subjects, UTF-8 bodies, attachments): no hand-rolled MIME. The same Message-ID and Date go into
// the copy sent over SMTP (Bcc removed) and the Sent copy (Bcc kept, so the user sees who got it).
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { DraftError, type CheckedDraft, type MailAddress } from './draft.js';

export interface BuiltMessage {
  /** What goes over SMTP: no Bcc header. */
  wire: Buffer;
  /** What goes into Sent: the same message with its Bcc header. */
  copy: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

/** Refuses a missing or unreadable attachment before anything is sent. */
export async function checkAttachments(paths: string[]): Promise<void> {
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new DraftError(`attachment ${p} does not exist`);
    }
    if (!st.isFile()) throw new DraftError(`attachment ${p} is not a file`);
  }
}

export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.split('@')[1] || 'tmail.invalid';
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('hex')}@${domain}>`;
}

export async function buildMessage(d: CheckedDraft, opts: { messageId?: string; date?: Date } = {}): Promise<BuiltMessage> {
  await checkAttachments(d.attachments);
  const messageId = opts.messageId ?? newMessageId(d.fromAddress.address);
  const date = opts.date ?? new Date();
  const options = {
    from: mailbox(d.fromAddress),
    to: d.toList.map(mailbox),
    cc: d.ccList.map(mailbox),
    bcc: d.bccList.map(mailbox),
    subject: d.subject,
    text: d.body,
    messageId,
    date,
    inReplyTo: d.inReplyTo,
    references: d.references,
    attachments: d.attachments.map((path) => ({ path, filename: basename(path) })),
    headers: { 'User-Agent': 'tmail' },
  };
  const wire = await new MailComposer(options).compile().build();
  const node = new MailComposer(options).compile();
  node.keepBcc = true;
  const copy = await node.build();
  const everyone = [...d.toList, ...d.ccList, ...d.bccList].map((a) => a.address);
  return { wire, copy, messageId, envelope: { from: d.fromAddress.address, to: [...new Set(everyone)] } };
}

function mailbox(a: MailAddress): { name: string; address: string } {
  return { name: a.name, address: a.address };
}
