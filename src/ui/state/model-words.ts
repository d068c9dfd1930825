// The mail models in words: what the status bar says about an account and the short notes
// after reading or flagging a message ("where did that change happen?"). The words follow the
// backend's capabilities (where flags and mail live), never its protocol name.
import type { Flag, MessageLocation } from '../../domain/index.js';
import { backendFor, type BackendDefinition } from '../../accounts/index.js';

/** What the words need to know about an account's backend. */
export type AccountModel = Pick<BackendDefinition, 'label' | 'capabilities'>;

/** The model of a config protocol, from the backend registry. */
export function modelOf(protocol: string): AccountModel {
  return backendFor(protocol);
}

const FLAG_WORDS: Record<string, [string, string]> = {
  '\\Seen': ['marked read', 'marked unread'],
  '\\Flagged': ['flagged', 'unflagged'],
};

/**
 * A note for the status bar: `short` leads with where it happened and fits the room an 80-column
 * status bar leaves; `full` is the whole sentence, shown by the help screen (`?`).
 */
export interface Note {
  short: string;
  full: string;
}

/** After a flag change succeeded: told the server (IMAP), or only changed the local copy (POP3). */
export function flagNote(model: AccountModel, flag: Flag, on: boolean): Note {
  const words = FLAG_WORDS[flag];
  if (model.capabilities.serverFlags) {
    const what = `${flag} ${on ? 'set' : 'cleared'}`;
    return { short: `server: ${what}`, full: `${what} on the server: other devices see it too` };
  }
  const what = words ? words[on ? 0 : 1] : `${flag} ${on ? 'set' : 'cleared'}`;
  // A downloading model has a server it cannot tell; a purely local one has none.
  const full = model.capabilities.downloadsMail ? `${what} locally only: ${model.label} cannot tell the server` : `${what} locally`;
  return { short: `local only: ${what}`, full };
}

/** Where a message lives, for the reader / list ("on server", "local cache, …"). */
export function locationWords(location: MessageLocation): string {
  if (location.kind === 'server') return 'on the server';
  if (!location.onServer) return 'local cache, deleted from the server';
  const until = location.deleteOnServerAfter ? ` (until ${location.deleteOnServerAfter.toISOString().slice(0, 10)})` : '';
  return `local cache, still on the server${until}`;
}

/** The note when a message is opened: where it was marked read, or where the message lives. */
export function openNote(model: AccountModel, location: MessageLocation, markedRead: boolean): Note {
  const where = locationWords(location);
  if (!markedRead) {
    const full = `Lives ${where.startsWith('on') ? '' : 'in the '}${where}`;
    const short = location.kind === 'server' ? 'lives on the server' : location.onServer ? 'local cache, +server' : 'local cache only';
    return { short, full };
  }
  return model.capabilities.serverFlags
    ? { short: 'server: \\Seen set', full: `\\Seen set on the server · lives ${where}` }
    : { short: 'local only: marked read', full: `Marked read locally; the server is not told · ${where}` };
}

/** What the status bar knows about a POP3 account's cache. */
export interface Pop3Counts {
  /** Messages in the local cache's INBOX. */
  cached?: number;
  /** Messages the server still held after the last download. */
  keptOnServer?: number;
}

/** The account's model, short (narrow status bar) or long (with the download counts when known). */
export function modelWords(model: AccountModel, wide: boolean, counts: Pop3Counts = {}): string {
  const { label, capabilities } = model;
  if (capabilities.serverFlags) return wide ? `${label} · state on server · flags shared with other devices` : `${label} · state on server`;
  const store = `${label} · ${capabilities.downloadsMail ? 'local cache' : 'local'}`;
  if (!wide) return store;
  const parts = [store];
  if (counts.cached !== undefined) parts.push(`${counts.cached} downloaded`);
  if (counts.keptOnServer !== undefined) parts.push(`server keeps ${counts.keptOnServer}`);
  parts.push('flags stay on this computer');
  return parts.join(' · ');
}
