// A real SMTP server (the `smtp-server` package) on 127.0.0.1 for tests: STARTTLS with a per-run
// self-signed certificate (its PEM file is `caFile`, to pass as `ca`), AUTH PLAIN/LOGIN required,
// every accepted message kept byte-exact with its envelope. `rejectRecipients` / `failNext` make
// it refuse, for send-failure tests.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { installOAuthBearer } from './smtp-oauthbearer.js';

const run = promisify(execFile);

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  user: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  caFile: string;
  user: string;
  password: string;
  received: ReceivedMail[];
  /** Addresses refused at RCPT TO (550). */
  rejectRecipients: Set<string>;
  /** When set, the next DATA is refused with this text (554). */
  failNext?: string;
  stop(): Promise<void>;
}

export interface SmtpSinkOptions {
  user?: string;
  password?: string;
  /** Also offer AUTH XOAUTH2 and accept an access token when this says it is valid for the user. */
  checkToken?: (user: string, token: string) => boolean | Promise<boolean>;
  /** The OAuth2 mechanisms offered with checkToken (default XOAUTH2 only); OAUTHBEARER see smtp-oauthbearer.ts. */
  bearerMechanisms?: ('OAUTHBEARER' | 'XOAUTH2')[];
  /** The password mechanisms offered (default PLAIN and LOGIN); [] for an OAuth-only server. */
  passwordMechanisms?: ('PLAIN' | 'LOGIN')[];
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const dir = await mkdtemp(join(tmpdir(), 'tmail-smtp-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  const user = opts.user ?? 'alice';
  const password = opts.password ?? 'smtp-secret-pw';
  const sink: SmtpSink = {
    host: '127.0.0.1',
    port: 0,
    caFile: cert,
    user,
    password,
    received: [],
    rejectRecipients: new Set(),
    stop: async () => undefined,
  };
  const bearer = opts.bearerMechanisms ?? ['XOAUTH2'];
  if (bearer.includes('OAUTHBEARER')) installOAuthBearer();
  const server = new SMTPServer({
    secure: false,
    key: await readFile(key),
    cert: await readFile(cert),
    authMethods: [...(opts.passwordMechanisms ?? ['PLAIN', 'LOGIN']), ...(opts.checkToken ? bearer : [])],
    // smtp-server refuses AUTH before STARTTLS by default (allowInsecureAuth false), like a real MSA.
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.method === 'XOAUTH2' || (auth.method as string) === 'OAUTHBEARER') {
        // checkToken may ask a real introspection endpoint, so it may answer later. A refused token
        // gets the error challenge (334) a real server sends; the client answers it and gets 535.
        const check = auth.username === user && opts.checkToken ? opts.checkToken(auth.username, auth.accessToken ?? '') : false;
        Promise.resolve(check).then(
          (ok) => (ok ? cb(null, { user }) : cb(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } })),
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
        return;
      }
      if (auth.username === user && auth.password === password) return cb(null, { user });
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (sink.rejectRecipients.has(address.address.toLowerCase())) {
        return cb(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (sink.failNext) {
          const text = sink.failNext;
          sink.failNext = undefined;
          return cb(Object.assign(new Error(text), { responseCode: 554 }));
        }
        sink.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          user: String(session.user ?? ''),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  sink.port = (server.server.address() as { port: number }).port;
  sink.stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  return sink;
}
