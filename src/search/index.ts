// The search language: parse what the user typed, evaluate it locally. IMAP compiles the same
// tree into one SEARCH command (src/accounts/imap/search-language.ts).
export { parseSearch, SearchSyntaxError, SEARCH_FIELDS, type ParseOptions } from './parse.js';
export { matches, needsSource, type EvaluableMessage } from './evaluate.js';
export { localMidnight, parseDay, parseSize, utcMidnight } from './values.js';
export { needsHeaders, queryToNode } from './query.js';
export { evaluableWithSource } from './evaluable.js';
