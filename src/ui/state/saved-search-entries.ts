// Saved searches (config `searches`) as the UI state holds them: each query checked once, so a
// bad one is named in the folder pane instead of failing at every count.
import type { SavedSearchConfig } from '../../config/types.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { errorText } from './error-text.js';
import { searchQueryOf } from './search-query.js';
import type { SavedSearchEntry } from './types.js';

export function savedSearchEntries(list: readonly SavedSearchConfig[]): SavedSearchEntry[] {
  return list.map((s) => {
    const entry: SavedSearchEntry = { name: s.name, query: s.query, folder: s.folder ?? 'INBOX' };
    try {
      searchQueryOf(s.query);
    } catch (err) {
      entry.error = sanitizeLine(errorText(err));
    }
    return entry;
  });
}
