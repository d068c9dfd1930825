// AUTHENTICATE PLAIN in one round trip. imapflow sends `AUTHENTICATE PLAIN`, waits for the
// server's empty continuation and only then sends the credentials, even when the server offers
// SASL-IR (RFC 4959), which lets them ride on the command line. On a cold start that wait is one
// more turn of an event loop busy loading the UI. This wraps imapflow's internal `run` and uses its
// `exec` (neither is in its typings): imapflow is pinned, test/unit/library-internals-canary.test.ts
// checks both exist, and test/integration/imap-login-round-trips.test.ts checks the wire.
import type { ImapFlow } from 'imapflow';

interface PasswordLogin {
  password?: string;
  accessToken?: string;
  loginMethod?: string;
  authzid?: string;
}

interface Internals {
  run: (command: string, ...args: unknown[]) => Promise<unknown>;
  exec: (command: string, attributes: unknown[], options?: { onPlusTag?: () => Promise<void> }) => Promise<{ next(): void }>;
  write: (data: string) => void;
  authCapabilities?: Map<string, boolean>;
}

export function plainWithInitialResponse(client: ImapFlow): void {
  const internal = client as unknown as Internals;
  if (typeof internal.run !== 'function' || typeof internal.exec !== 'function') return;
  const run = internal.run.bind(client);
  internal.run = (command: string, ...args: unknown[]) => {
    const [user, login] = args as [unknown, PasswordLogin | undefined];
    if (command.toUpperCase() !== 'AUTHENTICATE' || typeof user !== 'string' || !canSendInitialResponse(client, login)) return run(command, ...args);
    return authenticatePlain(internal, user, login!.password!, login!.authzid);
  };
}

/** A password login that imapflow would do with AUTHENTICATE PLAIN, on a server that takes SASL-IR. */
function canSendInitialResponse(client: ImapFlow, login: PasswordLogin | undefined): boolean {
  if (!login?.password || login.accessToken) return false;
  const method = (login.loginMethod ?? '').toUpperCase();
  if (method && method !== 'AUTH=PLAIN') return false;
  return client.capabilities.has('SASL-IR') && client.capabilities.has('AUTH=PLAIN');
}

/** What imapflow's own AUTHENTICATE PLAIN resolves to (the identity) and how it marks a refusal. */
async function authenticatePlain(internal: Internals, user: string, password: string, authzid: string | undefined): Promise<string> {
  const payload = Buffer.from([authzid ?? '', user, password].join('\x00')).toString('base64');
  try {
    const response = await internal.exec(
      'AUTHENTICATE',
      // `sensitive`: imapflow masks the value in its log (the trace's source) and withholds the raw write.
      [
        { type: 'ATOM', value: 'PLAIN' },
        { type: 'ATOM', value: payload, sensitive: true },
      ],
      {
        // A server that asks for more anyway gets the exchange cancelled (RFC 3501 6.2.2): it then
        // fails the command, which is reported like any refused login.
        onPlusTag: async () => internal.write('*'),
      },
    );
    response.next();
    internal.authCapabilities?.set('AUTH=PLAIN', true);
    return authzid || user;
  } catch (err) {
    const e = err as { responseStatus?: string; code?: string; authenticationFailed?: boolean };
    // Only the server's tagged NO/BAD is a refusal of the credentials (as in imapflow's own PLAIN).
    if ((e.responseStatus === 'NO' || e.responseStatus === 'BAD') && e.code !== 'ETHROTTLE') e.authenticationFailed = true;
    throw err;
  }
}
