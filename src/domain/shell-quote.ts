// Commands tmail suggests ("run: tmail account mode 'alice (IMAP)' pop3") must work when pasted
// into a POSIX shell, whatever the account name. Single quotes keep everything literal; a quote
// inside becomes '\''. Plain words stay unquoted so the common case reads naturally.

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `tmail` plus the given words, each quoted as needed. */
export function tmailCommand(...words: string[]): string {
  return ['tmail', ...words.map(shellQuote)].join(' ');
}
