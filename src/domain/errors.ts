// The one error type that crosses layers: backends, stores and config raise it with a message fit
// to show a user as is; the UI acts on `kind`.

export type AccountErrorKind =
  | 'auth' // wrong user/password
  | 'tls' // handshake failed, untrusted or mismatched certificate (see AccountError.hint)
  | 'insecure' // refusing to send a password without TLS
  | 'network' // host down, refused, timed out, dropped: reconnecting may help
  | 'protocol' // server said something we cannot use
  | 'not-found' // folder or message does not exist
  | 'local' // local store failure (disk full, permissions)
  | 'config';

/**
 * What the user can do about an error, beyond its words: 'ca' = the server's certificate is not
 * trusted; setting the account's `ca` to it (a PEM file) fixes that.
 */
export type AccountErrorHint = 'ca';

/** The only error type a backend lets escape: `message` is fit to show a user as is. */
export class AccountError extends Error {
  readonly hint: AccountErrorHint | undefined;
  constructor(
    readonly kind: AccountErrorKind,
    message: string,
    options?: { cause?: unknown; hint?: AccountErrorHint },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AccountError';
    this.hint = options?.hint;
  }
}
