// An OAuth 2.0 token introspection endpoint (RFC 7662) on 127.0.0.1 for Dovecot's oauth2 passdb:
// the test hands out access tokens itself (issue, revoke), so it can count how often a token
// command ran and make a token go stale in the middle of a test. It checks the mail server's
// client credentials (HTTP Basic) as an authorization server would.
//
// node:http rather than the full authorization server (oidc-provider, see the OAuth2 flow tests):
// these tests are about what happens on the IMAP/POP3/SMTP wire, and need tokens they control.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IntrospectionServer {
  /** For Dovecot: http://client:secret@127.0.0.1:PORT/introspect */
  url: string;
  /** A new active access token for `username` (with `scope`, default "mail"; `bytes` of randomness, default 18). */
  issue(username: string, scope?: string, bytes?: number): string;
  /** The same verdict without HTTP, for servers that check tokens in-process (the SMTP sink). */
  introspectLocally(username: string, token: string): boolean;
  /** The token is no longer active (expired or revoked). */
  revoke(token: string): void;
  /** Tokens introspected so far, in order. */
  introspected: string[];
  close(): Promise<void>;
}

const CLIENT = { id: 'dovecot', secret: 'introspect-secret' };

export async function startIntrospectionServer(): Promise<IntrospectionServer> {
  const tokens = new Map<string, { username: string; scope: string; active: boolean }>();
  const introspected: string[] = [];
  const expected = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/introspect')) return json(404, { error: 'not_found' });
      if (req.headers.authorization !== expected) return json(401, { error: 'invalid_client' });
      const token = new URLSearchParams(body).get('token') ?? '';
      introspected.push(token);
      const t = tokens.get(token);
      if (!t?.active) return json(200, { active: false });
      json(200, { active: true, username: t.username, scope: t.scope, token_type: 'Bearer', exp: Math.floor(Date.now() / 1000) + 3600 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${CLIENT.id}:${CLIENT.secret}@127.0.0.1:${port}/introspect`,
    issue(username, scope = 'mail', bytes = 18) {
      const token = `at-${randomBytes(bytes).toString('base64url')}`;
      tokens.set(token, { username, scope, active: true });
      return token;
    },
    introspectLocally(username, token) {
      introspected.push(token);
      const t = tokens.get(token);
      return t?.active === true && t.username === username;
    },
    revoke(token) {
      const t = tokens.get(token);
      if (t) t.active = false;
    },
    introspected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
