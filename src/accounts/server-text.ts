// What a server says, made fit for one status line: its control characters removed, and the
// timing Dovecot appends to every tagged reply ("(0.001 + 0.000 + 0.001 secs).") left out —
// it is noise to a user and makes equal errors look different.
import { sanitizeLine } from '../text/sanitize.js';

const SERVER_TIMING = /\s*\(\d+(?:\.\d+)?(?:\s*\+\s*\d+(?:\.\d+)?)*\s+secs?\)\.?/g;

/** Sanitized, trimmed, without server timing noise; at most `max` characters. */
export function cleanServerText(text: string, max = 200): string {
  return sanitizeLine(text).replace(SERVER_TIMING, '').trim().slice(0, max);
}

/** Removes server timing noise from an already sanitized line. */
export function stripServerTiming(line: string): string {
  return line.replace(SERVER_TIMING, '');
}

export type GreetingProtocol = 'imap' | 'pop3' | 'smtp';

// How each protocol's server greets (RFC 9051 7.1, RFC 1939 4, RFC 5321 4.2): first match wins.
const GREETINGS: { protocol: GreetingProtocol; pattern: RegExp }[] = [
  { protocol: 'imap', pattern: /^\* (OK|PREAUTH|BYE)\b/i },
  { protocol: 'pop3', pattern: /^[+-](OK|ERR)\b/i },
  { protocol: 'smtp', pattern: /^[2-5]\d\d[ -]/ },
];

const NAMES: Record<GreetingProtocol, string> = { imap: 'an IMAP', pop3: 'a POP3', smtp: 'an SMTP' };
const USUAL_PORTS: Record<GreetingProtocol, string> = {
  imap: '993 (TLS) or 143 (STARTTLS)',
  pop3: '995 (TLS) or 110 (STLS)',
  smtp: '465 (TLS) or 587 (STARTTLS)',
};

/** Which protocol's server sent this first line; undefined when none looks like it. */
export function greetingProtocol(line: string): GreetingProtocol | undefined {
  return GREETINGS.find((g) => g.pattern.test(line))?.protocol;
}

/**
 * The sentence for "we expected `expected` but `line` greeted us", or undefined when the greeting
 * is of the expected protocol (or unrecognisable).
 */
export function wrongProtocolText(where: string, expected: GreetingProtocol, line: string): string | undefined {
  const actual = greetingProtocol(line);
  if (!actual || actual === expected) return undefined;
  const said = cleanServerText(line, 60);
  return `${where} is ${NAMES[actual]} server (it greeted with "${said}"), not ${NAMES[expected].replace(/^an? /, '')}: wrong port? ${expected.toUpperCase()} is usually on ${USUAL_PORTS[expected]}`;
}
