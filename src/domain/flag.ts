// Message flags, named as IMAP spells them. Backends without server flags keep the same names
// locally (POP3: Maildir letters on disk).

/** System flags as IMAP spells them. */
export type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft';
/** A flag: a system flag or a keyword (e.g. `$Forwarded`). */
export type Flag = SystemFlag | (string & {});
