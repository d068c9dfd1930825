// `searches` in an account: saved searches the folder pane shows as virtual folders, e.g.
// [{ "name": "Unread", "query": "is:unread" }, { "name": "Boss", "query": "from:boss", "folder": "INBOX" }].
// The shape is checked here; the query's syntax is the search language's (src/search), checked
// by the UI when it lists them (config sits beside search, so it does not import it).
import type { SavedSearchConfig } from './types.js';

const FIELDS = ['name', 'query', 'folder'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasControl = (s: string) => /[\u0000-\u001f\u007f-\u009f]/.test(s);
const EXAMPLE = '[{ "name": "Unread", "query": "is:unread" }]';

/** The account's `searches`, or undefined (with a line in `problems` for each thing wrong). */
export function savedSearchesField(entry: Record<string, unknown>, at: string, problems: string[], warnings: string[]): SavedSearchConfig[] | undefined {
  const v = entry.searches;
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    problems.push(`${at}: searches must be a list like ${EXAMPLE}, got ${typeof v}`);
    return undefined;
  }
  const out: SavedSearchConfig[] = [];
  const names = new Set<string>();
  v.forEach((item: unknown, i: number) => {
    const here = `${at}: searches[${i}]`;
    if (!isObject(item)) {
      problems.push(`${here} must be an object like { "name": "Unread", "query": "is:unread" }`);
      return;
    }
    for (const key of Object.keys(item)) {
      if (!(FIELDS as readonly string[]).includes(key)) warnings.push(`${here}: unknown field "${key}" is ignored (known: ${FIELDS.join(', ')})`);
    }
    const text = (field: (typeof FIELDS)[number], required: boolean): string | undefined => {
      const x = item[field];
      if (x === undefined && !required) return undefined;
      if (typeof x !== 'string' || x.trim() === '') {
        problems.push(`${here}.${field} ${x === undefined ? 'is missing' : 'must be a non-empty string'}`);
        return undefined;
      }
      if (hasControl(x)) {
        problems.push(`${here}.${field} must not contain control characters`);
        return undefined;
      }
      return x.trim();
    };
    const name = text('name', true);
    const query = text('query', true);
    const folder = text('folder', false);
    if (name === undefined || query === undefined) return;
    if (names.has(name.toLowerCase())) {
      problems.push(`${here}.name repeats "${name}"; each saved search needs its own name`);
      return;
    }
    names.add(name.toLowerCase());
    out.push({ name, query, ...(folder === undefined ? {} : { folder }) });
  });
  return out;
}
