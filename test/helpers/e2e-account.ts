// The IMAP account most tmux tests give tmail: alice on the tests' Dovecot, over STARTTLS with
// the server's own CA, the password from TMAIL_E2E_PW (see E2E_PASSWORD_ENV).
import type { DovecotServer } from './dovecot.js';

export const E2E_PASSWORD_ENV = { TMAIL_E2E_PW: 'alice-pw' };

export function aliceImapAccount(server: DovecotServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'e2e',
    protocol: 'imap',
    host: server.host,
    port: server.ports.imap,
    security: 'starttls',
    user: 'alice',
    passwordEnv: 'TMAIL_E2E_PW',
    ca: server.caFile,
    ...extra,
  };
}
