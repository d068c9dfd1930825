// OAUTHBEARER (RFC 7628) for the smtp-server test sink. smtp-server 3.21.6 implements XOAUTH2 but
// not OAUTHBEARER; its connection looks a mechanism up as `SASL['SASL_' + name]` in the object
// `smtp-server/lib/sasl.js` exports, at the time of each AUTH command. We add the mechanism there,
// written like its XOAUTH2 handler: parse the initial response, ask `onAuth` (method
// "OAUTHBEARER"), and on a refusal send the JSON error challenge (334) and then 535 once the client
// answers with %x01. This is an internal hook: smtp-server is pinned exactly in package.json and
// test/unit/smtp-server-canary.test.ts fails when the hook is gone.
import SASL from 'smtp-server/lib/sasl.js';

/** What the last OAUTHBEARER initial response carried, for tests that check host and port. */
export interface OAuthBearerFields {
  authzid: string;
  host?: string;
  port?: string;
}

type Done = () => void;
interface Connection {
  send(code: number, text?: string): void;
  _nextHandler: ((data: Buffer | string, done: Done) => void) | false;
  _server: {
    onAuth(
      auth: { method: string; username: string; accessToken: string },
      session: unknown,
      cb: (err: (Error & { responseCode?: number }) | null | undefined, res?: { user?: unknown; data?: unknown; responseCode?: number }) => void,
    ): void;
  };
  session: { user?: unknown; transmissionType?: string };
  _transmissionType(): string;
}

/** Parses "n,a=user,\x01host=..\x01port=..\x01auth=Bearer tok\x01\x01"; undefined when malformed. */
export function parseOAuthBearer(raw: string): (OAuthBearerFields & { token: string }) | undefined {
  const m = /^([ny]|p=[^,]*),(a=[^,]*)?,\x01(.*)\x01\x01$/s.exec(raw);
  if (!m) return undefined;
  const authzid = (m[2] ?? 'a=').slice(2).replace(/=2C/g, ',').replace(/=3D/g, '=');
  const fields = new Map<string, string>();
  for (const kv of m[3]!.split('\x01')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) return undefined;
    fields.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  const auth = /^Bearer (.+)$/i.exec(fields.get('auth') ?? '');
  if (!auth) return undefined;
  return { authzid, token: auth[1]!, host: fields.get('host'), port: fields.get('port') };
}

export const lastOAuthBearer: { fields?: OAuthBearerFields } = {};

function token(this: Connection, canAbort: boolean, rawToken: Buffer | string, callback: Done): void {
  const text = String(rawToken ?? '').trim();
  if (canAbort && text === '*') {
    this.send(501, 'Authentication aborted');
    return callback();
  }
  const parsed = parseOAuthBearer(Buffer.from(text, 'base64').toString('utf8'));
  if (!parsed || !parsed.authzid || SASL.CONTROL_CHARS.test(parsed.authzid)) {
    this.send(501, 'Error: invalid userdata');
    return callback();
  }
  lastOAuthBearer.fields = { authzid: parsed.authzid, host: parsed.host, port: parsed.port };
  this._server.onAuth({ method: 'OAUTHBEARER', username: parsed.authzid, accessToken: parsed.token }, this.session, (err, response) => {
    if (err) {
      this.send(err.responseCode || 535, err.message);
      return callback();
    }
    if (!response?.user) {
      // RFC 7628 §3.2.2: the error challenge; the client answers with a lone %x01, then we fail.
      this._nextHandler = (_data, done) => {
        this.send(535, 'Error: Authentication credentials invalid');
        done();
      };
      this.send(response?.responseCode || 334, Buffer.from(JSON.stringify(response?.data ?? {})).toString('base64'));
      return callback();
    }
    this.session.user = response.user;
    this.session.transmissionType = this._transmissionType();
    this.send(235, 'Authentication successful');
    callback();
  });
}

function mechanism(this: Connection, args: string[], callback: Done): void {
  if (args.length > 1) {
    this.send(501, 'Error: syntax: AUTH OAUTHBEARER token');
    return callback();
  }
  if (!args.length) {
    this._nextHandler = token.bind(this, true);
    this.send(334);
    return callback();
  }
  token.call(this, false, args[0]!, callback);
}

/** Makes smtp-server understand AUTH OAUTHBEARER (for servers that list it in authMethods). */
export function installOAuthBearer(): void {
  (SASL as unknown as Record<string, unknown>).SASL_OAUTHBEARER = mechanism;
}
