// Redaction of credentials in protocol lines. This is the last line of defence: imapflow already
// hides its LOGIN/AUTHENTICATE writes and our POP3 client traces `PASS ***`, but a trace must be
// safe even when a library changes, so every client line passes through here as well.
// Rule: anything that can carry a secret is replaced by `***`, keeping only what helps the user
// understand the exchange (the command, the user name, the SASL mechanism).

export const REDACTED = '***';

/** First IMAP argument of `rest`: an atom, a quoted string (with \" escapes) or a literal marker. */
function firstImapArg(rest: string): string {
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(rest);
  if (quoted) return quoted[0];
  const literal = /^\{\d+\+?(?: octets)?\}/.exec(rest);
  if (literal) return literal[0];
  return /^\S*/.exec(rest)![0];
}

/** Redacts one logical IMAP client line (literals already replaced by `{N octets}`). */
export function redactImapCommand(line: string): { text: string; saslTag?: string } {
  const m = /^(\S+)\s+(?:(UID)\s+)?(\S+)(?:\s+(.*))?$/i.exec(line);
  if (!m) return { text: line };
  const [, tag, , command = '', rest = ''] = m;
  const cmd = command.toUpperCase();
  if (cmd === 'LOGIN') {
    const user = firstImapArg(rest);
    return { text: `${tag} LOGIN ${user ? `${user} ` : ''}${REDACTED}` };
  }
  if (cmd === 'AUTHENTICATE') {
    const [mech = '', initial] = rest.split(/\s+/, 2);
    // The exchange that follows (continuation lines) carries the credentials.
    return { text: `${tag} AUTHENTICATE ${mech}${initial !== undefined ? ` ${REDACTED}` : ''}`, saslTag: tag };
  }
  return { text: line };
}

/**
 * Stateful IMAP redactor for one connection: after AUTHENTICATE every client line is a SASL
 * response (credentials) until the server answers the AUTHENTICATE tag.
 */
export class ImapRedactor {
  private saslTag: string | undefined;

  client(line: string): string {
    if (this.saslTag !== undefined) return REDACTED;
    const r = redactImapCommand(line);
    if (r.saslTag) this.saslTag = r.saslTag;
    return r.text;
  }

  server(line: string): string {
    if (this.saslTag !== undefined) {
      if (line.startsWith(`${this.saslTag} `)) this.saslTag = undefined;
      // Challenges may echo state derived from the credentials (XOAUTH2 error payloads).
      else if (line.startsWith('+')) return `+ ${REDACTED}`;
    }
    return line;
  }
}

/** Redacts one POP3 client line: PASS, APOP digests, AUTH initial responses. */
export function redactPop3Command(line: string): string {
  const m = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return line;
  const cmd = m[1]!.toUpperCase();
  const rest = m[2] ?? '';
  if (cmd === 'PASS') return `PASS ${REDACTED}`;
  if (cmd === 'APOP') return `APOP ${rest.split(/\s+/)[0] ?? ''} ${REDACTED}`;
  if (cmd === 'AUTH') {
    const [mech = '', initial] = rest.split(/\s+/, 2);
    return `AUTH ${mech}${initial !== undefined ? ` ${REDACTED}` : ''}`;
  }
  return line;
}

/** Stateful POP3 redactor: after `AUTH mech`, client lines are SASL responses until +OK/-ERR. */
export class Pop3Redactor {
  private inSasl = false;

  client(line: string): string {
    if (this.inSasl) return REDACTED;
    if (/^AUTH\s+\S+/i.test(line)) this.inSasl = true;
    return redactPop3Command(line);
  }

  server(line: string): string {
    if (this.inSasl) {
      if (/^(\+OK|-ERR)/i.test(line)) this.inSasl = false;
      else if (line.startsWith('+')) return `+ ${REDACTED}`;
    }
    return line;
  }
}
