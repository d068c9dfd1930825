// Turns an account config into imapflow options. The security policy (which certificates are
// trusted, whether the password may travel in cleartext) comes from ../security.ts; this file
// only maps it onto imapflow's switches.
import type { ImapFlowOptions } from 'imapflow';
import type { AccountConfig } from '../../config/types.js';
import { isEncrypted, tlsOptions } from '../security.js';
import { NETWORK_TIMEOUTS } from '../timeouts.js';
import { imapTraceLogger } from '../../trace/imap-logger.js';
import type { TraceSink } from '../../trace/types.js';

/** Bounded waits so a dead host or a silent server ends in a clear error, not a hang (ImapAccount can shorten them). */
const CONNECT_TIMEOUT_MS = NETWORK_TIMEOUTS.connectMs;
const GREETING_TIMEOUT_MS = NETWORK_TIMEOUTS.greetingMs;

export function imapFlowOptions(config: AccountConfig, password: string, trace?: TraceSink): ImapFlowOptions {
  const options: ImapFlowOptions = {
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    auth: { user: config.user, pass: password },
    // imapflow's own logger would print protocol lines; tmail's output is the UI's business.
    logger: false,
    // QRESYNC makes the server report expunges as UIDs (VANISHED), which is what the UI caches.
    qresync: true,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    clientInfo: { name: 'tmail' },
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
