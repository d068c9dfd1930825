// has:attachment on IMAP, judged as the list judges it: from BODYSTRUCTURE (summary.ts
// hasAttachment), not from top-level headers. IMAP SEARCH has no key for it, so:
// 1. one UID SEARCH with the term relaxed (true where it counts for a match, false under `not`):
//    the candidates, a superset of the answer;
// 2. one UID FETCH of BODYSTRUCTURE for the candidates (about 0.3–1 KB per message on the wire:
//    `has:attachment` alone on a 100,000-message folder fetches every structure);
// 3. when the term is a plain conjunct (`has:attachment from:bob`, `not has:attachment`) the
//    candidates are filtered locally; otherwise one more UID SEARCH with the term replaced by the
//    UID set of the candidates that have one.
import type { SearchObject } from 'imapflow';
import type { SearchNode, SearchQuery } from '../../domain/index.js';
import { toSearchObject } from './search-query.js';
import { uidSet } from './window.js';

export function mentionsAttachment(node: SearchNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.nodes.some(mentionsAttachment);
    case 'not':
      return mentionsAttachment(node.node);
    case 'attachment':
      return true;
    default:
      return false;
  }
}

const NOTHING: SearchObject = { not: { all: true } };
const relaxed = (positive: boolean): SearchObject => (positive ? { all: true } : NOTHING);

/** `has:attachment` (true) or `not has:attachment` (false) as a top-level conjunct, and the rest. */
function splitConjuncts(node: SearchNode): { want: boolean[]; rest: SearchNode[] } {
  const parts = node.kind === 'and' ? node.nodes : [node];
  const want: boolean[] = [];
  const rest: SearchNode[] = [];
  for (const p of parts) {
    if (p.kind === 'attachment') want.push(true);
    else if (p.kind === 'not' && p.node.kind === 'attachment') want.push(false);
    else rest.push(p);
  }
  return { want, rest };
}

export interface AttachmentSearchIo {
  /** One UID SEARCH; UIDs in any order. */
  search(criteria: SearchObject): Promise<number[]>;
  /** The UIDs among `uids` whose BODYSTRUCTURE shows an attachment (one UID FETCH per UID set). */
  withAttachments(uids: number[]): Promise<Set<number>>;
}

/** The UIDs matching `query` (any order), has:attachment judged from BODYSTRUCTURE. */
export async function searchJudgingAttachments(query: SearchQuery, io: AttachmentSearchIo): Promise<number[]> {
  const expression = query.expression;
  if (!expression || !mentionsAttachment(expression)) return io.search(toSearchObject(query));
  const { want, rest } = splitConjuncts(expression);
  if (want.length > 0 && !rest.some(mentionsAttachment)) {
    // `has:attachment and not has:attachment` asks for nothing.
    if (want.some((w) => w !== want[0])) return [];
    const restNode: SearchNode = rest.length === 0 ? { kind: 'all' } : rest.length === 1 ? rest[0]! : { kind: 'and', nodes: rest };
    const candidates = await io.search(toSearchObject({ ...query, expression: restNode }));
    if (candidates.length === 0) return [];
    const having = await io.withAttachments(candidates);
    return candidates.filter((u) => having.has(u) === want[0]);
  }
  const candidates = await io.search(toSearchObject(query, relaxed));
  if (candidates.length === 0) return [];
  const having = [...(await io.withAttachments(candidates))];
  const exact = await io.search(toSearchObject(query, () => (having.length ? { uid: uidSet(having) } : NOTHING)));
  // Outside the candidates the relaxed search already said no.
  const allowed = new Set(candidates);
  return exact.filter((u) => allowed.has(u));
}
