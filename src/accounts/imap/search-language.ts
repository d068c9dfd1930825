// A SearchNode → one imapflow SearchObject, i.e. one UID SEARCH command however deep the tree.
// imapflow ANDs the keys of one object, puts `NOT` before `not` and builds `OR` trees from `or`
// arrays, parenthesizing an operand of several keys. An AND of terms with the same key (from:a
// from:b) cannot be one object, so an AND is nested: the first term's keys plus the rest under a
// one-element `or` (compiled as just that operand) — or under `not: { not }` when the first term
// already uses `or`.
// Dates use the SENT* keys, i.e. the Date header the list shows: the server compares the calendar
// day as written in that header (its own zone), and the local evaluator does the same
// (search/evaluate.ts), so a query finds the same messages on IMAP and POP3.
// has:attachment has no IMAP key. The caller says what to put in its place (attachment-search.ts
// judges it from BODYSTRUCTURE); by default it is a header hint (multipart/mixed, a disposition).
import type { SearchObject } from 'imapflow';
import type { SearchNode } from '../../domain/index.js';
import { utcMidnight } from '../../search/values.js';

const ATTACHMENT_HINT: SearchObject = {
  or: [
    { header: { 'content-disposition': 'attachment' } },
    { header: { 'content-type': 'multipart/mixed' } },
    {
      header: { 'content-type': true },
      not: { or: [{ header: { 'content-type': 'text/' } }, { header: { 'content-type': 'multipart/' } }, { header: { 'content-type': 'message/' } }] },
    },
  ],
};

/** ANDs compiled terms into one object (see the file comment). */
export function conjoin(parts: SearchObject[]): SearchObject {
  if (parts.length === 0) return { all: true };
  if (parts.length === 1) return parts[0]!;
  const [first, ...rest] = parts as [SearchObject, ...SearchObject[]];
  const tail = conjoin(rest);
  if (!Object.keys(first).some((key) => key in tail)) return { ...first, ...tail };
  if (!('or' in first)) return { ...first, or: [tail] };
  if (!('not' in first)) return { ...first, not: { not: tail } };
  return { or: [first], not: { not: tail } };
}

/** What a has:attachment term compiles to; `positive` is false under an odd number of `not`s. */
export type AttachmentKey = (positive: boolean) => SearchObject;

const headerHint: AttachmentKey = () => ATTACHMENT_HINT;

export function compileSearch(node: SearchNode, attachment: AttachmentKey = headerHint, positive = true): SearchObject {
  switch (node.kind) {
    case 'all':
      return { all: true };
    case 'and':
      return conjoin(node.nodes.map((n) => compileSearch(n, attachment, positive)));
    case 'or':
      return { or: node.nodes.map((n) => compileSearch(n, attachment, positive)) };
    case 'not':
      return { not: compileSearch(node.node, attachment, !positive) };
    case 'text':
      return { [node.field]: node.value };
    case 'date': {
      const day = utcMidnight(node.day);
      if (node.op === 'since') return { sentSince: day };
      if (node.op === 'before') return { sentBefore: day };
      return { sentOn: day };
    }
    case 'size':
      return node.op === 'larger' ? { larger: node.bytes } : { smaller: node.bytes };
    case 'flag':
      if (node.state === 'unread') return { seen: false };
      if (node.state === 'read') return { seen: true };
      return node.state === 'flagged' ? { flagged: true } : { answered: true };
    case 'attachment':
      return attachment(positive);
  }
}
