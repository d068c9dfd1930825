// The one error type that crosses layers: backends, stores and config raise it with a message fit
// to show a user as is; the UI acts on `kind`.

export type AccountErrorKind =
  | 'auth' // wrong user/password
  | 'tls' // handshake failed, untrusted or mismatched certificate
  | 'insecure' // refusing to send a password without TLS
  | 'network' // host down, refused, timeout, dropped
  | 'protocol' // server said something we cannot use
  | 'not-found' // folder or message does not exist
  | 'local' // local store failure (disk full, permissions)
  | 'config';

/** The only error type a backend lets escape: `message` is fit to show a user as is. */
export class AccountError extends Error {
  constructor(
    readonly kind: AccountErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AccountError';
  }
}
