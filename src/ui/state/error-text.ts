// One line for the status bar from any error: sanitized (it may quote the server) and bounded.
import { stripServerTiming } from '../../accounts/server-text.js';
import { sanitizeLine } from '../../text/sanitize.js';

const MAX_ERROR = 300;

export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // Server timing ("(0.001 + 0.000 secs)") is noise wherever an error quotes a server.
  const line = stripServerTiming(sanitizeLine(msg)).trim() || 'unknown error';
  return line.length > MAX_ERROR ? line.slice(0, MAX_ERROR) + '…' : line;
}
