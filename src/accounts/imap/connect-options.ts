// Turns an account config into imapflow options. The security policy (which certificates are
// trusted, whether the password may travel in cleartext) comes from ../security.ts; this file
// only maps it onto imapflow's switches.
import { readFileSync } from 'node:fs';
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { AccountConfig } from '../../config/types.js';
import { isEncrypted, tlsOptions } from '../security.js';
import { NETWORK_TIMEOUTS } from '../timeouts.js';
import { type ImapFlowTraceLogger, imapTraceLogger } from '../../trace/imap-logger.js';
import type { TraceSink } from '../../trace/types.js';

/** Bounded waits so a dead host or a silent server ends in a clear error, not a hang (ImapAccount can shorten them). */
const CONNECT_TIMEOUT_MS = NETWORK_TIMEOUTS.connectMs;
const GREETING_TIMEOUT_MS = NETWORK_TIMEOUTS.greetingMs;

/** What imapflow signs in with: a password (LOGIN/AUTHENTICATE PLAIN) or an OAuth2 access token. */
export type ImapSecret = string | { accessToken: string; user: string };

export function imapFlowOptions(config: AccountConfig, secret: ImapSecret, trace?: TraceSink): ImapFlowOptions {
  const options: ImapFlowOptions = {
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    // With an access token imapflow uses AUTHENTICATE OAUTHBEARER when offered, else XOAUTH2.
    auth: typeof secret === 'string' ? { user: config.user, pass: secret } : { user: secret.user, accessToken: secret.accessToken },
    // imapflow's own logger would print protocol lines; tmail's output is the UI's business.
    logger: false,
    // QRESYNC makes the server report expunges as UIDs (VANISHED), which is what the UI caches.
    qresync: true,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    clientInfo: clientInfo(),
  };
  if (trace) {
    // The raw socket log becomes the trace pane's C:/S: lines (redacted, bodies summarised).
    options.logger = imapTraceLogger(trace, config.name) as unknown as ImapFlowOptions['logger'];
    options.logRaw = true;
  }
  // Required, never opportunistic: a stripped STARTTLS capability must fail, not downgrade.
  if (config.security === 'starttls') options.doSTARTTLS = true;
  if (config.security === 'none') options.doSTARTTLS = false;
  if (isEncrypted(config.security)) {
    options.tls = tlsOptions(config);
    // imapflow takes the SNI name from `servername`; an IP literal gets none (RFC 6066).
    if (options.tls.servername) options.servername = options.tls.servername;
  }
  return options;
}

/**
 * What tmail says in IMAP ID (RFC 2971): its own name and version. imapflow merges its own
 * vendor and support-url into this object; an empty value is left out of the command.
 */
export function clientInfo(): { name: string; version: string; vendor: string; 'support-url': string } {
  return { name: 'tmail', version: tmailVersion(), vendor: '', 'support-url': '' };
}

let version: string | undefined;

/** tmail's version from its package.json (looked up upwards, so a bundled dist/ finds it too). */
export function tmailVersion(): string {
  if (version !== undefined) return version;
  for (const up of ['../../../', '../../', '../', '../../../../']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tmail' && pkg.version) return (version = pkg.version);
    } catch {
      // not at this level
    }
  }
  return (version = 'unknown');
}

/**
 * imapflow sends ID before the login and, when the server's answer had fewer than two fields
 * (Dovecot's pre-login answer has one), again after it: one more round trip on every start.
 * tmail sends it once. This wraps imapflow's internal `run` (not in its typings): imapflow is
 * pinned, and test/integration/imap-client-id.test.ts counts the IDs on the wire.
 */
export function sendIdOnce(client: ImapFlow): void {
  const internal = client as unknown as { run: (command: string, ...args: unknown[]) => Promise<unknown> };
  if (typeof internal.run !== 'function') return;
  const run = internal.run.bind(client);
  let answered: Promise<unknown> | undefined;
  internal.run = (command: string, ...args: unknown[]) => {
    if (command.toUpperCase() !== 'ID') return run(command, ...args);
    answered ??= run(command, ...args);
    return answered;
  };
}

/**
 * With `logRaw`, imapflow hands every chunk read from the server to the trace as base64, which
 * the trace decodes again: for a 5 MB message that is ~7 MB of strings made and dropped on the UI
 * thread, and the garbage collections they cause, while keys wait. The trace only counts a
 * literal's bytes, so it can take the Buffers as they are: this turns imapflow's read logging off
 * and taps its response reader instead (`client.streamer`, an ImapStream Transform, and its
 * `options.logRaw`, which it reads per chunk; not in imapflow's typings: imapflow is pinned, and
 * test/unit/trace-imapflow.test.ts checks the S: lines and that no base64 read arrives).
 * Writes stay logged by imapflow: they are small, and the LOGIN masking relies on them.
 */
export function traceReadsAsBuffers(client: ImapFlow): void {
  const internal = client as unknown as {
    options?: { logger?: unknown };
    streamer?: { options?: { logRaw?: boolean }; _transform?: (chunk: unknown, encoding: BufferEncoding, next: () => void) => void };
  };
  const logger = internal.options?.logger as Partial<ImapFlowTraceLogger> | undefined;
  const streamer = internal.streamer;
  const transform = streamer?._transform;
  if (typeof logger?.serverBytes !== 'function' || !streamer?.options?.logRaw || typeof transform !== 'function') return;
  const serverBytes = logger.serverBytes.bind(logger);
  streamer.options.logRaw = false;
  streamer._transform = function (this: unknown, chunk, encoding, next) {
    if (Buffer.isBuffer(chunk)) serverBytes(chunk);
    else if (typeof chunk === 'string') serverBytes(Buffer.from(chunk, encoding));
    return transform.call(this, chunk, encoding, next);
  };
}
