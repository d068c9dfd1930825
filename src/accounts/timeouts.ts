// One set of network timeouts for every protocol (IMAP, POP3, SMTP), so the same dead host or
// silent server fails after the same time whatever the account's protocol.
export const NETWORK_TIMEOUTS = {
  /** TCP connect plus the TLS handshake. */
  connectMs: 15_000,
  /** From connected to the server's greeting line. */
  greetingMs: 15_000,
  /** A reply to a command (or, while one is awaited, silence on the socket). */
  replyMs: 60_000,
} as const;
