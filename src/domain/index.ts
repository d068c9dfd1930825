// The domain: plain data types and errors shared by every layer. It imports nothing of the app
// (the dependency check enforces that), so any layer may import it.
export type { Address } from './address.js';
export { AccountError, type AccountErrorHint, type AccountErrorKind } from './errors.js';
export type { Flag, SystemFlag } from './flag.js';
export type { FolderInfo, OpenedFolder, OpenFolderOptions, SpecialUse } from './folder.js';
export { SORT_ORDERS, type MessageLocation, type MessageSummary, type SearchQuery, type SortOrder } from './message.js';
export type { CalendarDay, SearchField, SearchNode } from './search.js';
