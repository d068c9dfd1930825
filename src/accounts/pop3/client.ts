// Our POP3 client: a small line-protocol layer on net/tls.
//
// Why not wrap node-pop3 0.11? Its gaps sit in the core, not at the edges: it treats every TCP
// chunk as one whole reply (a status line split across packets is misread, a terminator split
// across packets hangs, a chunk that is just "." ends a message early), decodes RETR bodies as
// UTF-8 strings (8-bit mail is mangled), never undoes dot-stuffing, owns the socket so STLS cannot
// be added, and has no APOP, CAPA parsing or size caps. Fixing that means replacing its data
// handler, i.e. everything but the constructor — so we write the ~300 lines ourselves and keep
// node-pop3 only as the bench baseline (see test/unit/pop3-node-pop3-gaps.test.ts).
//
// RETR bodies are returned exactly as sent, dot-unstuffed, terminator removed; with
// lineEnding 'lf' each CRLF becomes LF (what Maildir readers and Dovecot expect on disk; Dovecot
// turns LF back into CRLF when it serves the file, so the round trip is byte-exact). Lone CRs and
// all other bytes are untouched.
import { createHash } from 'node:crypto';
import { type OnReadOpts, type Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { AccountError } from '../../domain/index.js';
import type { Security } from '../../config/types.js';
import { sanitizeLine } from '../../text/sanitize.js';
import { describeError } from './network-errors.js';
import { NETWORK_TIMEOUTS } from '../timeouts.js';
import { type BodyAllocator, Pop3ServerError, ResponseReader, type Reply, type ReplyRequest } from './response-reader.js';
import {
  type BearerMechanism,
  type BearerParams,
  bearerAbortResponse,
  bearerInitialResponseBase64,
  parseOAuthErrorChallenge,
  TokenRejectedError,
} from '../../auth/sasl.js';
import { parseScanListing, parseUidlListing, type ScanEntry, type UidlEntry } from './listing.js';

export interface Pop3Limits {
  /** Each network wait (connect, TLS handshake, every reply) fails after this long without data. */
  timeoutMs: number;
  maxMessageBytes: number;
  /** Max lines of a UIDL or LIST reply (each is one message on the server). */
  maxListLines: number;
  /** Max octets of a status line or a UIDL/LIST/CAPA line. */
  maxLineLength: number;
}

export const DEFAULT_LIMITS: Pop3Limits = {
  timeoutMs: NETWORK_TIMEOUTS.replyMs,
  maxMessageBytes: 100 * 1024 * 1024,
  maxListLines: 1_000_000,
  maxLineLength: 8192,
};

export interface Pop3ConnectOptions {
  host: string;
  port: number;
  security: Security;
  /** Node TLS options (from security.ts `tlsOptions`): verification on, `ca` honoured. */
  tls?: ConnectionOptions;
  limits?: Partial<Pop3Limits>;
  /** Receives one line per protocol event; secrets are redacted and bodies summarised. */
  trace?: (line: string) => void;
}

export interface Pop3LoginOptions {
  user: string;
  password: string;
  /** Use APOP when the greeting carries a timestamp (RFC 1939 §7). Weak: MD5. */
  apop?: boolean;
  /**
   * Whether USER/PASS may be tried when APOP is refused (it sends the password itself, so only over
   * TLS or with allowInsecureAuth). Default: only on an encrypted connection.
   */
  allowUserPass?: boolean;
}

/**
 * The server refused the login because the last one was too recent (RFC 2449 `[LOGIN-DELAY]`),
 * not because of the password. `delaySeconds` is the server's LOGIN-DELAY from CAPA, if it said.
 */
export class Pop3LoginDelayError extends AccountError {
  constructor(
    message: string,
    readonly delaySeconds: number | undefined,
  ) {
    super('protocol', message);
  }
}

/** "15 min", "90 s", "2 h". */
export function formatDelay(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

export class Pop3Client {
  readonly limits: Pop3Limits;
  /** The greeting's `<…@…>` timestamp, when the server offers APOP. */
  readonly apopTimestamp: string | undefined;
  /** How the login was done: 'apop' (weak, MD5), 'user' (USER/PASS) or 'sasl' (AUTH with an OAuth2 token). */
  authMethod: 'apop' | 'user' | 'sasl' | undefined;
  /** True after a successful login (TRANSACTION state): only then do RSET and DELE mean anything. */
  loggedIn = false;
  /** The arguments of each CAPA word from the last CAPA reply, e.g. LOGIN-DELAY -> "900". */
  capabilityArgs = new Map<string, string>();
  /**
   * True once CAPA was answered (+OK or -ERR) on this connection; after STLS, once answered over
   * TLS (RFC 2595: what was learnt before the handshake is discarded, a man in the middle may
   * have altered it).
   */
  capabilitiesRead = false;
  private closed = false;
  private outgoing: string[] = [];

  private constructor(
    private socket: Socket | TLSSocket,
    private reader: ResponseReader,
    private readonly where: string,
    private readonly options: Pop3ConnectOptions,
    limits: Pop3Limits,
    greeting: string,
  ) {
    this.limits = limits;
    this.apopTimestamp = /<[^<>\s]+@[^<>\s]+>/.exec(greeting)?.[0];
  }

  /** Connects, reads the greeting and, for security 'starttls', upgrades with STLS (required). */
  static async connect(options: Pop3ConnectOptions): Promise<Pop3Client> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const where = `POP3 ${options.host}:${options.port}`;
    const trace = options.trace;
    trace?.(
      `connecting to ${options.host}:${options.port} (${options.security === 'tls' ? 'implicit TLS' : options.security === 'starttls' ? 'STLS' : 'no TLS'})`,
    );
    let socket: Socket | TLSSocket | undefined;
    const reader = new ResponseReader();
    // STLS hands the plain socket to TLS, which then reads through streams ('data'): Node ignores
    // `onread` for a TLS socket over an existing one.
    const onread = options.security === 'starttls' ? undefined : readInto(reader);
    // Awaited before the socket exists: `onread` delivers as soon as bytes arrive, and a TLS
    // greeting can come in the same read as the end of the handshake, before 'secureConnect'.
    const greetingReply = reader.expect({ multiline: false, maxStatusLength: limits.maxLineLength });
    greetingReply.catch(() => undefined); // reported below, once awaited
    try {
      const connectMs = Math.min(limits.timeoutMs, NETWORK_TIMEOUTS.connectMs);
      socket =
        options.security === 'tls'
          ? await openTls(() => tlsConnect({ ...options.tls, host: options.host, port: options.port, onread } as ConnectionOptions), connectMs)
          : await openPlain(options.host, options.port, connectMs, onread);
      // The same greeting wait as IMAP and SMTP; replies then get the longer reply timeout.
      attach(socket, reader, Math.min(limits.timeoutMs, NETWORK_TIMEOUTS.greetingMs), 'GREETING_TIMEOUT', onread === undefined);
      const greeting = await greetingReply;
      socket.removeAllListeners('timeout');
      onSilence(socket, reader, limits.timeoutMs);
      trace?.(`S: +OK ${sanitizeLine(greeting.status)}`);
      const client = new Pop3Client(socket, reader, where, options, limits, greeting.status);
      if (options.security === 'starttls') await client.startTls();
      return client;
    } catch (err) {
      reader.fail(err as Error);
      socket?.destroy();
      throw describeError(err, where);
    }
  }

  /** True when the connection is encrypted (implicit TLS or after STLS). */
  get encrypted(): boolean {
    return 'encrypted' in this.socket && this.socket.encrypted === true;
  }

  private async startTls(): Promise<void> {
    const caps = await this.capabilities().catch(() => undefined);
    if (caps && !caps.has('STLS')) {
      throw new AccountError(
        'tls',
        `${this.where}: the server does not offer STLS, and security "starttls" requires it (use "tls" on the POP3S port if the server has one)`,
      );
    }
    try {
      await this.command('STLS', { multiline: false });
    } catch (err) {
      if (err instanceof Pop3ServerError) throw new AccountError('tls', `${this.where}: the server refused STLS: ${sanitizeLine(err.text)}`);
      throw err;
    }
    // Anything the server sent after +OK but before the handshake could be an injection attempt.
    if (!this.reader.idle) throw new AccountError('tls', `${this.where}: the server sent data before the TLS handshake`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.setTimeout(0);
    const secure = await openTls(() => tlsConnect({ ...this.options.tls, socket: plain }), this.limits.timeoutMs);
    this.socket = secure;
    this.reader = new ResponseReader();
    attach(secure, this.reader, this.limits.timeoutMs);
    this.capabilityArgs = new Map();
    this.capabilitiesRead = false;
    this.options.trace?.('TLS established (STLS)');
  }

  /** CAPA (RFC 2449); undefined when the server does not support it. Upper-cased first words. */
  async capabilities(): Promise<Set<string> | undefined> {
    try {
      const reply = await this.command('CAPA', { multiline: true, maxLines: 1000, maxLineLength: this.limits.maxLineLength, what: 'the CAPA reply' });
      const caps = new Set<string>();
      this.capabilityArgs = new Map();
      for (const line of reply.body!.toString('latin1').split('\n')) {
        const [word, ...args] = line.trim().split(/\s+/);
        if (!word) continue;
        caps.add(word.toUpperCase());
        this.capabilityArgs.set(word.toUpperCase(), args.join(' '));
      }
      this.capabilitiesRead = true;
      return caps;
    } catch (err) {
      if (err instanceof Pop3ServerError) {
        // No CAPA: nothing is known (an earlier reply's words, e.g. LOGIN-DELAY before login, do not carry over).
        this.capabilityArgs = new Map();
        this.capabilitiesRead = true;
        return undefined;
      }
      throw err;
    }
  }

  /** The last CAPA reply offered PIPELINING (RFC 2449): commands may be sent without waiting for replies. */
  get pipelining(): boolean {
    return this.capabilityArgs.has('PIPELINING');
  }

  /**
   * Logs in with APOP (when asked and offered) or USER/PASS. The caller must have checked the
   * security policy (`assertPasswordMayBeSent`) — this layer only sends what it is told to.
   */
  async login(opts: Pop3LoginOptions): Promise<void> {
    const user = sanitizeLine(opts.user);
    let apopRefusal: string | undefined;
    if (opts.apop && this.apopTimestamp) {
      this.options.trace?.('login with APOP (weak: MD5)');
      const digest = createHash('md5')
        .update(this.apopTimestamp + opts.password, 'utf8')
        .digest('hex');
      try {
        await this.command(`APOP ${opts.user} ${digest}`, { multiline: false }, `APOP ${opts.user} ***`);
        this.authMethod = 'apop';
        this.loggedIn = true;
        return;
      } catch (err) {
        if (!(err instanceof Pop3ServerError)) throw err;
        await this.refusedForAnotherReason(err);
        apopRefusal = sanitizeLine(err.text) || 'rejected by the server';
        // A server can offer APOP in its greeting and still have no APOP secret for this user.
        const allowUserPass = opts.allowUserPass ?? this.encrypted;
        if (!allowUserPass) {
          throw new AccountError(
            'auth',
            `${this.where}: APOP login failed for ${user}: ${apopRefusal.replace(/\.$/, '')}. The server may have no APOP secret for this user; USER/PASS was not tried because it would send the password without TLS (use TLS, or set allowInsecureAuth, or turn "apop" off).`,
          );
        }
        this.options.trace?.('APOP was refused: trying USER/PASS');
      }
    } else if (opts.apop) {
      this.options.trace?.('APOP requested but the server greeting has no timestamp: using USER/PASS');
    }
    try {
      const userSent = this.command(`USER ${opts.user}`, { multiline: false });
      if (this.pipelining && (opts.allowUserPass ?? this.encrypted)) {
        // One round trip instead of two (as mpop does): PASS goes out without waiting for USER's
        // reply, so also when USER is refused — to the same server, over a connection the caller
        // cleared for the password. A refused USER is still what the error reports.
        await inOrder([userSent, this.command(`PASS ${opts.password}`, { multiline: false }, 'PASS ***')]);
      } else {
        await userSent;
        await this.command(`PASS ${opts.password}`, { multiline: false }, 'PASS ***');
      }
      this.authMethod = 'user';
      this.loggedIn = true;
    } catch (err) {
      if (err instanceof Pop3ServerError) {
        await this.refusedForAnotherReason(err);
        const text = sanitizeLine(err.text) || 'rejected by the server';
        throw new AccountError(
          'auth',
          apopRefusal === undefined
            ? `${this.where}: login failed for ${user}: ${text}`
            : `${this.where}: login failed for ${user}: APOP was refused (${apopRefusal}), and USER/PASS too: ${text}`,
        );
      }
      throw err;
    }
  }

  /**
   * Signs in with an OAuth2 access token through SASL (AUTH, RFC 5034). Throws TokenRejectedError
   * when the server refused the token (the caller may refresh it and call again: the session stays
   * in the AUTHORIZATION state). The caller checked the security policy and the offered mechanism.
   */
  async authenticateBearer(mechanism: BearerMechanism, params: Omit<BearerParams, 'host' | 'port'>): Promise<void> {
    const initial = bearerInitialResponseBase64(mechanism, { ...params, host: this.options.host, port: this.options.port });
    const sasl = { multiline: false, continuation: true } as const;
    try {
      let reply: Reply;
      // RFC 5034 §4: an initial response that would make the command longer than 255 octets is
      // sent after the server's empty challenge instead (real tokens are often longer).
      if (`AUTH ${mechanism} ${initial}`.length <= 255) {
        reply = await this.command(`AUTH ${mechanism} ${initial}`, sasl, `AUTH ${mechanism} ***`);
      } else {
        reply = await this.command(`AUTH ${mechanism}`, sasl);
        if (reply.continuation) reply = await this.command(initial, sasl, '***');
      }
      if (reply.continuation) {
        // An error challenge: the JSON status says why; answering it lets the server finish with -ERR.
        const status = parseOAuthErrorChallenge(reply.status);
        try {
          await this.command(bearerAbortResponse(mechanism), { multiline: false }, '***');
        } catch (err) {
          if (!(err instanceof Pop3ServerError)) throw err;
          await this.refusedForAnotherReason(err);
          throw new TokenRejectedError(mechanism, status, sanitizeLine(err.text));
        }
        throw new AccountError('protocol', `${this.where}: the server accepted AUTH ${mechanism} after an error challenge`);
      }
      this.authMethod = 'sasl';
      this.loggedIn = true;
    } catch (err) {
      if (!(err instanceof Pop3ServerError)) throw err;
      await this.refusedForAnotherReason(err);
      throw new TokenRejectedError(mechanism, undefined, sanitizeLine(err.text));
    }
  }

  /** The SASL mechanisms of the last CAPA reply (`SASL PLAIN OAUTHBEARER …`), upper-cased. */
  get saslMechanisms(): string[] {
    return (this.capabilityArgs.get('SASL') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((m) => m.toUpperCase());
  }

  /** A login -ERR whose RFC 2449 response code says it is not about the password. */
  private async refusedForAnotherReason(err: Pop3ServerError): Promise<void> {
    const code = /^\[([^\]]*)\]/.exec(err.text)?.[1]?.toUpperCase();
    if (code === 'LOGIN-DELAY') {
      // CAPA is valid in the AUTHORIZATION state; it tells how long the server wants between logins.
      await this.capabilities().catch(() => undefined);
      const delay = this.loginDelaySeconds;
      throw new Pop3LoginDelayError(
        `${this.where}: the server refused the login because the last one was too recent (LOGIN-DELAY${delay !== undefined ? `: at most one login every ${formatDelay(delay)}` : ''}); this is not a password problem`,
        delay,
      );
    }
    if (code === 'IN-USE') {
      throw new AccountError(
        'protocol',
        `${this.where}: the mailbox is in use by another session (another mail program may be checking it right now); try again in a moment`,
      );
    }
  }

  async stat(): Promise<{ count: number; size: number }> {
    const reply = await this.command('STAT', { multiline: false });
    const m = /^(\d+)\s+(\d+)/.exec(reply.status);
    if (!m) throw new AccountError('protocol', `${this.where}: unexpected STAT reply`);
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  /**
   * The LOGIN-DELAY of the last CAPA reply, in seconds (RFC 2449: before login it may be a
   * maximum, marked "USER"; after login it is the value for this user).
   */
  get loginDelaySeconds(): number | undefined {
    const arg = this.capabilityArgs.get('LOGIN-DELAY');
    const n = arg === undefined ? NaN : Number(arg.split(' ')[0]);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }

  /**
   * After login: CAPA (this user's LOGIN-DELAY, and whether to pipeline what follows), LIST and
   * UIDL (undefined without UIDL support). When the server offered PIPELINING before login (RFC
   * 2449 allows pipelining once it is announced), the three leave in one write: the server answers
   * LIST and UIDL right after the scan its first command after login costs, and LIST is parsed
   * while UIDL arrives. Otherwise one at a time.
   */
  async capabilitiesAndListings(): Promise<{ caps: Set<string> | undefined; scan: ScanEntry[]; listing: UidlEntry[] | undefined }> {
    if (!this.pipelining) {
      const caps = await this.capabilities();
      const scan = await this.list();
      return { caps, scan, listing: await this.uidl() };
    }
    const [caps, scan, listing] = await inOrder([this.capabilities(), this.list(), this.uidl()] as const);
    return { caps, scan, listing };
  }

  /** LIST: message numbers and sizes. */
  async list(): Promise<ScanEntry[]> {
    const reply = await this.command('LIST', this.listingRequest('the LIST reply'));
    return parseScanListing(reply.body!, this.where);
  }

  /** UIDL: message numbers and unique ids; undefined when the server does not support UIDL. */
  async uidl(): Promise<UidlEntry[] | undefined> {
    try {
      const reply = await this.command('UIDL', this.listingRequest('the UIDL reply'));
      return parseUidlListing(reply.body!, this.where);
    } catch (err) {
      if (err instanceof Pop3ServerError) return undefined;
      throw err;
    }
  }

  /**
   * RETR: the message, dot-unstuffed, terminator removed; `lf` turns CRLF into LF. `maxBytes`
   * (e.g. from the LIST size) lowers the cap below limits.maxMessageBytes; `allocator` says where
   * the body goes (a batch's shared memory), else it gets a buffer of its own.
   */
  async retr(msg: number, lineEnding: 'lf' | 'crlf' = 'lf', maxBytes = this.limits.maxMessageBytes, allocator?: BodyAllocator): Promise<Buffer> {
    const reply = await this.command(`RETR ${msg}`, {
      multiline: true,
      maxBodyBytes: Math.min(maxBytes, this.limits.maxMessageBytes),
      lineEnding,
      what: `message ${msg}`,
      ...(allocator ? { allocator } : {}),
    });
    return reply.body!;
  }

  /** TOP msg n: the header plus n body lines. */
  async top(msg: number, lines: number, lineEnding: 'lf' | 'crlf' = 'lf'): Promise<Buffer> {
    const reply = await this.command(`TOP ${msg} ${lines}`, {
      multiline: true,
      maxBodyBytes: this.limits.maxMessageBytes,
      lineEnding,
      what: `the header of message ${msg}`,
    });
    return reply.body!;
  }

  /**
   * RETR of many messages in one pipelined burst (only when the server offers PIPELINING, RFC
   * 2449): the commands leave in one write and the replies are matched in order. `maxBytes[i]` caps
   * message i as in retr(); bodies go to `allocator` when given.
   */
  async retrAll(msgs: number[], lineEnding: 'lf' | 'crlf', maxBytes: number[], allocator?: BodyAllocator): Promise<Buffer[]> {
    const max = this.limits.maxMessageBytes;
    const maxStatusLength = this.limits.maxLineLength;
    const quiet = !this.options.trace;
    const reqs = new Array<ReplyRequest>(msgs.length);
    const lines = new Array<string>(msgs.length);
    for (let i = 0; i < msgs.length; i++) {
      reqs[i] = new BurstRequest(true, msgs[i]!, maxStatusLength, Math.min(maxBytes[i] ?? max, max), lineEnding, allocator, quiet);
      lines[i] = `RETR ${msgs[i]}`;
    }
    const replies = await this.commandAll(lines, reqs);
    const bodies = new Array<Buffer>(replies.length);
    for (let i = 0; i < replies.length; i++) bodies[i] = replies[i]!.body!;
    return bodies;
  }

  /** DELE of many messages in one pipelined burst (only when the server offers PIPELINING). */
  async deleAll(msgs: number[]): Promise<void> {
    // Only a trace reads the status of a DELE reply. One request for all (the reader keeps none).
    const req = new BurstRequest(false, 0, this.limits.maxLineLength, undefined, undefined, undefined, !this.options.trace);
    const reqs = new Array<ReplyRequest>(msgs.length);
    const lines = new Array<string>(msgs.length);
    for (let i = 0; i < msgs.length; i++) {
      reqs[i] = req;
      lines[i] = `DELE ${msgs[i]}`;
    }
    await this.commandAll(lines, reqs);
  }

  async dele(msg: number): Promise<void> {
    await this.command(`DELE ${msg}`, { multiline: false });
  }

  async rset(): Promise<void> {
    await this.command('RSET', { multiline: false });
  }

  async noop(): Promise<void> {
    await this.command('NOOP', { multiline: false });
  }

  /** QUIT: the server now removes messages marked with DELE (RFC 1939 UPDATE state). */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT', { multiline: false });
    } finally {
      this.close();
    }
  }

  /** Drops the connection without QUIT (nothing marked with DELE is removed). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.fail(new AccountError('network', `${this.where}: the connection was closed`));
    this.socket.destroy();
  }

  /**
   * Commands issued in the same tick (a pipelined burst of RETR or DELE) leave in one write: one
   * TLS record and one system call instead of one per command.
   */
  private send(text: string): void {
    this.outgoing.push(text);
    if (this.outgoing.length > 1) return;
    queueMicrotask(() => {
      const burst = this.outgoing.join('');
      this.outgoing = [];
      if (!this.closed) this.socket.write(burst);
    });
  }

  private listingRequest(what: string): Omit<ReplyRequest, 'maxStatusLength'> {
    return { multiline: true, maxLines: this.limits.maxListLines, maxLineLength: this.limits.maxLineLength, what };
  }

  /** Several commands in one write, their replies behind one promise (see ResponseReader.expectAll). */
  private async commandAll(lines: string[], reqs: ReplyRequest[]): Promise<Reply[]> {
    if (this.closed) throw new AccountError('network', `${this.where}: the connection is closed`);
    if (lines.length === 0) return [];
    const trace = this.options.trace;
    if (trace) for (const line of lines) trace(`C: ${line}`);
    const onReply = trace
      ? (reply: Reply | undefined, err: Error | undefined) => {
          if (reply) trace(`S: +OK ${sanitizeLine(reply.status)}${reply.body ? ` (${reply.body.length} octets)` : ''}`);
          else if (err instanceof Pop3ServerError) trace(`S: -ERR ${sanitizeLine(err.text)}`);
        }
      : undefined;
    const pending = this.reader.expectAll(reqs, onReply);
    this.send(`${lines.join('\r\n')}\r\n`);
    try {
      return await pending;
    } catch (err) {
      if (err instanceof Pop3ServerError) throw err;
      this.close();
      throw describeError(err, this.where);
    }
  }

  private async command(line: string, req: Omit<ReplyRequest, 'maxStatusLength'>, traced = line): Promise<Reply> {
    if (this.closed) throw new AccountError('network', `${this.where}: the connection is closed`);
    const trace = this.options.trace;
    trace?.(`C: ${traced}`);
    const pending = this.reader.expect({ maxStatusLength: this.limits.maxLineLength, ...req });
    this.send(`${line}\r\n`);
    try {
      const reply = await pending;
      if (trace) {
        const summary = reply.body ? (req.lineEnding ? ` (${reply.body.length} octets)` : ` (${reply.lines} lines)`) : '';
        trace(reply.continuation ? `S: + ${sanitizeLine(reply.status)}` : `S: +OK ${sanitizeLine(reply.status)}${summary}`);
      }
      return reply;
    } catch (err) {
      if (err instanceof Pop3ServerError) {
        trace?.(`S: -ERR ${sanitizeLine(err.text)}`);
        throw err;
      }
      this.close();
      throw describeError(err, this.where);
    }
  }
}

/**
 * The results of pipelined commands, once every one has settled (no rejection left unobserved):
 * the first failure in the order they were sent, else all the values.
 */
async function inOrder<T extends readonly unknown[]>(sent: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(sent);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * A request of a pipelined RETR or DELE burst: one object of one shape per message (a thousand
 * live while a burst is answered), its description for errors made only when one is reported. One
 * class for both, so the reader's hot functions see one kind of request object (a second kind,
 * mid-sync, made V8 drop and recompile them).
 */
class BurstRequest implements ReplyRequest {
  constructor(
    readonly multiline: boolean,
    private readonly msg: number,
    readonly maxStatusLength: number,
    readonly maxBodyBytes: number | undefined,
    readonly lineEnding: 'lf' | 'crlf' | undefined,
    readonly allocator: BodyAllocator | undefined,
    /** Only a trace reads the status. */
    readonly quiet: boolean,
  ) {}

  get what(): string {
    return `message ${this.msg}`;
  }
}

/** Bytes one read may deliver (a TLS read is one record, at most 16 KiB). */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Socket reads into one buffer of the connection's (`onread`), straight to the reader: no new
 * Buffer, malloc'd memory and stream event per read (~7,000 reads for 10,000 messages). The reader
 * copies what it keeps, so the buffer is free again when `push` returns.
 */
function readInto(reader: ResponseReader): OnReadOpts {
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return {
    buffer,
    callback: (bytes) => {
      reader.push(buffer.subarray(0, bytes));
      return true;
    },
  };
}

function openPlain(host: string, port: number, timeoutMs: number, onread?: OnReadOpts): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, onread });
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('the connection timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

function openTls(open: () => TLSSocket, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = open();
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('the TLS handshake timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.removeListener('error', reject);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

/**
 * Feeds socket data to the reader (`viaData`: from 'data' events, else `onread` already does);
 * a timeout, close or error fails whatever is awaited.
 */
function attach(socket: Socket, reader: ResponseReader, timeoutMs: number, code = 'REPLY_TIMEOUT', viaData = true): void {
  if (viaData) socket.on('data', (chunk: Buffer) => reader.push(chunk));
  onSilence(socket, reader, timeoutMs, code);
  socket.on('error', (err) => reader.fail(err));
  socket.on('close', () => reader.fail(Object.assign(new Error('the server closed the connection'), { code: 'ECONNCLOSED' })));
}

function onSilence(socket: Socket, reader: ResponseReader, timeoutMs: number, code = 'REPLY_TIMEOUT'): void {
  socket.setTimeout(timeoutMs, () => {
    // Idle with nothing awaited is fine (e.g. between syncs); a pending reply is a timeout.
    if (reader.idle) return;
    reader.fail(Object.assign(new Error(`no reply from the server within ${Math.round(timeoutMs / 1000)} s`), { code }));
    socket.destroy();
  });
}
