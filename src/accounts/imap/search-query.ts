// SearchQuery (backend-neutral) → imapflow SearchObject (compiled to UID SEARCH criteria).
import type { SearchObject } from 'imapflow';
import type { SearchQuery } from '../../domain/index.js';
import { compileSearch, conjoin } from './search-language.js';

export function toSearchObject(query: SearchQuery): SearchObject {
  const search: SearchObject = {};
  if (query.text) search.text = query.text;
  if (query.from) search.from = query.from;
  if (query.subject) search.subject = query.subject;
  if (query.unseen !== undefined) search.seen = !query.unseen;
  if (query.flagged !== undefined) search.flagged = query.flagged;
  if (query.since) search.since = query.since;
  if (query.before) search.before = query.before;
  if (query.expression && query.expression.kind !== 'all') {
    return Object.keys(search).length === 0 ? compileSearch(query.expression) : conjoin([search, compileSearch(query.expression)]);
  }
  if (Object.keys(search).length === 0) search.all = true;
  return search;
}
