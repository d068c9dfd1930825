// imapflow FETCH results → MessageSummary. Every string here comes from the server (a hostile
// sender controls subjects and names), so it is sanitized before it can reach a terminal.
import type { FetchMessageObject, MessageAddressObject, MessageStructureObject } from 'imapflow';
import type { Address, MessageSummary } from '../../domain/index.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { ownString } from '../../text/own-string.js';

/** The FETCH items a summary needs; one place so the window fetch and the bench agree. */
export const SUMMARY_QUERY = {
  uid: true,
  flags: true,
  envelope: true,
  internalDate: true,
  size: true,
  bodyStructure: true,
} as const;

/** Sanitized, and a copy of its own: summaries outlive the FETCH response (see own-string.ts). */
const clean = (s: string | undefined): string => ownString(sanitizeLine(s ?? ''));

function addresses(list: MessageAddressObject[] | undefined): Address[] {
  return (list ?? []).map((a) => ({ name: clean(a.name), address: clean(a.address) }));
}

function validDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** A part the user would call an attachment: marked so, or a named non-text leaf. */
export function hasAttachment(node: MessageStructureObject | undefined, isRoot = true): boolean {
  if (!node) return false;
  const type = node.type.toLowerCase();
  // A forwarded message is an attachment whatever it holds; its own parts (in childNodes) are not
  // this message's, so they are not looked at.
  if (!isRoot && (type === 'message/rfc822' || type === 'message/global')) return true;
  if (node.childNodes?.length) return node.childNodes.some((child) => hasAttachment(child, false));
  if (node.disposition?.toLowerCase() === 'attachment') return true;
  const named = Boolean(node.dispositionParameters?.filename ?? node.parameters?.name);
  if (isRoot) return named && !type.startsWith('text/');
  if (type.startsWith('text/')) return named && node.disposition?.toLowerCase() !== 'inline';
  return named || type === 'message/rfc822' || type.startsWith('application/');
}

export function toSummary(msg: FetchMessageObject): MessageSummary {
  const env = msg.envelope;
  const date = validDate(env?.date) ?? validDate(msg.internalDate) ?? new Date(0);
  const summary: MessageSummary = {
    uid: msg.uid,
    flags: [...(msg.flags ?? [])].map(ownString),
    date,
    from: addresses(env?.from),
    to: addresses(env?.to),
    cc: addresses(env?.cc),
    subject: clean(env?.subject),
    size: msg.size ?? 0,
    hasAttachments: hasAttachment(msg.bodyStructure),
    location: { kind: 'server' },
  };
  if (env?.messageId) summary.messageId = clean(env.messageId);
  if (env?.inReplyTo) summary.inReplyTo = clean(env.inReplyTo);
  return summary;
}
