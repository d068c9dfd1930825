// Maildir info letters (the part after `:2,`) <-> IMAP-style flags, in one place.
// Letters per the Maildir spec: D draft, F flagged, P passed (forwarded), R replied, S seen,
// T trashed. Lowercase letters are Dovecot keyword slots; we keep them untouched on renames.
import type { Flag } from '../domain/index.js';

const LETTER_TO_FLAG: Record<string, Flag> = {
  D: '\\Draft',
  F: '\\Flagged',
  P: '$Forwarded',
  R: '\\Answered',
  S: '\\Seen',
  T: '\\Deleted',
};

const FLAG_TO_LETTER = new Map<string, string>(Object.entries(LETTER_TO_FLAG).map(([letter, flag]) => [flag.toLowerCase(), letter]));

/** Letters sorted by ASCII value, duplicates removed, as the Maildir spec requires. */
export function normalizeLetters(letters: string): string {
  return [...new Set(letters.replace(/[^A-Za-z]/g, ''))].sort().join('');
}

export function lettersToFlags(letters: string): Flag[] {
  const flags: Flag[] = [];
  for (const letter of normalizeLetters(letters)) {
    const flag = LETTER_TO_FLAG[letter];
    if (flag) flags.push(flag);
  }
  return flags;
}

/** The Maildir letter for a flag (case-insensitive), or undefined when Maildir cannot store it. */
export function flagToLetter(flag: Flag): string | undefined {
  return FLAG_TO_LETTER.get(flag.toLowerCase());
}

/** Letters that cannot be stored are dropped: a local Maildir has no free-form keywords. */
export function flagsToLetters(flags: readonly Flag[]): string {
  return normalizeLetters(flags.map((f) => flagToLetter(f) ?? '').join(''));
}

export function addLetters(current: string, add: string): string {
  return normalizeLetters(current + add);
}

export function removeLetters(current: string, remove: string): string {
  const drop = new Set(remove);
  return normalizeLetters([...current].filter((c) => !drop.has(c)).join(''));
}
