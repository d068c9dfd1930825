// SearchQuery (backend-neutral) → imapflow SearchObject (compiled to UID SEARCH criteria).
import type { SearchObject } from 'imapflow';
import type { SearchQuery } from '../../domain/index.js';
import { type AttachmentKey, compileSearch, conjoin } from './search-language.js';

export function toSearchObject(query: SearchQuery, attachment?: AttachmentKey): SearchObject {
  const search: SearchObject = {};
  if (query.text) search.text = query.text;
  if (query.from) search.from = query.from;
  if (query.subject) search.subject = query.subject;
  if (query.unseen !== undefined) search.seen = !query.unseen;
  if (query.flagged !== undefined) search.flagged = query.flagged;
  if (query.since) search.since = query.since;
  if (query.before) search.before = query.before;
  if (query.expression && query.expression.kind !== 'all') {
    return Object.keys(search).length === 0 ? compileSearch(query.expression, attachment) : conjoin([search, compileSearch(query.expression, attachment)]);
  }
  if (Object.keys(search).length === 0) search.all = true;
  return search;
}
