// The two mail models in words: what the status bar says about an account and the short notes
// after reading or flagging a message ("where did that change happen?").
import type { Flag, MessageLocation } from '../../accounts/account.js';

export type Protocol = 'imap' | 'pop3';

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

/** After a flag change succeeded: IMAP told the server, POP3 only changed the local copy. */
export function flagNote(protocol: Protocol, flag: Flag, on: boolean): Note {
  const words = FLAG_WORDS[flag];
  if (protocol === 'imap') {
    const what = `${flag} ${on ? 'set' : 'cleared'}`;
    return { short: `server: ${what}`, full: `${what} on the server: other devices see it too` };
  }
  const what = words ? words[on ? 0 : 1] : `${flag} ${on ? 'set' : 'cleared'}`;
  return { short: `local only: ${what}`, full: `${what} locally only: POP3 cannot tell the server` };
}

/** Where a message lives, for the reader / list ("on server", "local cache, …"). */
export function locationWords(location: MessageLocation): string {
  if (location.kind === 'server') return 'on the server';
  if (!location.onServer) return 'local cache, deleted from the server';
  const until = location.deleteOnServerAfter ? ` (until ${location.deleteOnServerAfter.toISOString().slice(0, 10)})` : '';
  return `local cache, still on the server${until}`;
}

/** The note when a message is opened: where it was marked read, or where the message lives. */
export function openNote(protocol: Protocol, location: MessageLocation, markedRead: boolean): Note {
  const where = locationWords(location);
  if (!markedRead) {
    const full = `Lives ${where.startsWith('on') ? '' : 'in the '}${where}`;
    const short = location.kind === 'server' ? 'lives on the server' : location.onServer ? 'local cache, +server' : 'local cache only';
    return { short, full };
  }
  return protocol === 'imap'
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

/** The account's model, short (narrow status bar) or long (with the POP3 counts when known). */
export function modelWords(protocol: Protocol, wide: boolean, counts: Pop3Counts = {}): string {
  if (protocol === 'imap') return wide ? 'IMAP · state on server · flags shared with other devices' : 'IMAP · state on server';
  if (!wide) return 'POP3 · local cache';
  const parts = ['POP3 · local cache'];
  if (counts.cached !== undefined) parts.push(`${counts.cached} downloaded`);
  if (counts.keptOnServer !== undefined) parts.push(`server keeps ${counts.keptOnServer}`);
  parts.push('flags stay on this computer');
  return parts.join(' · ');
}
