// The pure step for what effects report (messages.ts `Result`): the only code that turns a
// backend's answer into state. The controller commits the state it returns and runs its effects.
import type { Effect, Result } from '../messages.js';
import type { UiState } from '../types.js';
import { folderResult, isFolderResult } from './folder-results.js';
import { isListResult, listResult } from './list-results.js';
import { readerResult } from './reader-results.js';
import { isStatusResult, statusResult } from './status-results.js';

export function reduceResult(s: UiState, r: Result): { state: UiState; effects: Effect[] } {
  if (isStatusResult(r)) return { state: statusResult(s, r), effects: [] };
  if (isFolderResult(r)) return folderResult(s, r);
  if (isListResult(r)) return listResult(s, r);
  return { state: readerResult(s, r), effects: [] };
}
