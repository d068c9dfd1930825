// The older field-by-field SearchQuery as one SearchNode, so a local store has one evaluator.
import type { SearchNode, SearchQuery } from '../domain/index.js';

const dayOf = (d: Date) => ({ year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() });

export function queryToNode(query: SearchQuery): SearchNode {
  const nodes: SearchNode[] = [];
  if (query.text) nodes.push({ kind: 'text', field: 'text', value: query.text });
  if (query.from) nodes.push({ kind: 'text', field: 'from', value: query.from });
  if (query.subject) nodes.push({ kind: 'text', field: 'subject', value: query.subject });
  if (query.unseen !== undefined) nodes.push({ kind: 'flag', state: query.unseen ? 'unread' : 'read' });
  if (query.flagged !== undefined) nodes.push(query.flagged ? { kind: 'flag', state: 'flagged' } : { kind: 'not', node: { kind: 'flag', state: 'flagged' } });
  if (query.since) nodes.push({ kind: 'date', op: 'since', day: dayOf(query.since) });
  if (query.before) nodes.push({ kind: 'date', op: 'before', day: dayOf(query.before) });
  if (query.expression && query.expression.kind !== 'all') nodes.push(query.expression);
  if (nodes.length === 0) return { kind: 'all' };
  return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
}

/** Whether evaluating `node` needs more than the flags (headers, size, date). */
export function needsHeaders(node: SearchNode): boolean {
  switch (node.kind) {
    case 'all':
    case 'flag':
      return false;
    case 'and':
    case 'or':
      return node.nodes.some(needsHeaders);
    case 'not':
      return needsHeaders(node.node);
    default:
      return true;
  }
}
