// What a typed query becomes for MailAccount.search: the search language (from:, is:unread,
// and/or/not…), or, for words without any of its syntax, one phrase as it always was.
import type { SearchQuery } from '../../domain/index.js';
import { parseSearch } from '../../search/index.js';

/**
 * Words without any of the language's syntax search as one phrase, as they always did
 * ("number 150" finds that phrase, not every message with "number" and "150" somewhere).
 */
function plainWords(query: string): boolean {
  return !/[:()"-]/.test(query) && !/(^|\s)(and|or|not)(\s|$)/i.test(query);
}

/** The backend query for `query`; throws SearchSyntaxError (naming the column) when it does not parse. */
export function searchQueryOf(query: string): SearchQuery {
  const expression = parseSearch(query);
  return plainWords(query) ? { text: query } : { expression };
}
