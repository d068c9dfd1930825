// Token endpoint requests on the trace (the pane and --trace), so a user can see that a refresh
// happened and what the server answered. Only fields known to carry no secret are shown with
// their values; every other field (code, code_verifier, refresh_token, access_token, client_secret,
// device_code, id_token, anything new) is shown by name as `***`.
import { sanitizeLine } from '../../text/sanitize.js';
import { REDACTED } from '../../trace/redact.js';
import type { TraceSink } from '../../trace/types.js';

const SAFE_REQUEST_FIELDS = new Set(['grant_type', 'client_id', 'scope', 'redirect_uri', 'code_challenge_method']);
const SAFE_RESPONSE_FIELDS = new Set(['token_type', 'expires_in', 'scope', 'error', 'error_description', 'interval', 'verification_uri']);

export interface TokenTrace {
  sink: TraceSink;
  /** The account the trace lines belong to. */
  account: string;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return sanitizeLine(String(text)).slice(0, 200);
}

/** The request line: method, the endpoint without query or user info, and the form fields. */
export function describeTokenRequest(url: string, form: URLSearchParams): string {
  let where = '(invalid address)';
  try {
    const u = new URL(url);
    where = `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    // keep the placeholder
  }
  const fields = [...form.entries()].map(([k, v]) => `${sanitizeLine(k)}=${SAFE_REQUEST_FIELDS.has(k) ? show(v) : REDACTED}`);
  return sanitizeLine(`POST ${where} ${fields.join(' ')}`);
}

/** The answer line: the HTTP status and the JSON fields. */
export function describeTokenResponse(status: number, json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return `HTTP ${status} (no JSON object)`;
  const fields = Object.entries(json as Record<string, unknown>).map(([k, v]) => `${sanitizeLine(k)}=${SAFE_RESPONSE_FIELDS.has(k) ? show(v) : REDACTED}`);
  return `HTTP ${status} ${fields.join(' ')}`.trim();
}

export function traceTokenRequest(trace: TokenTrace | undefined, url: string, form: URLSearchParams): void {
  trace?.sink.add({ account: trace.account, protocol: 'oauth2', dir: 'C', text: describeTokenRequest(url, form) });
}

export function traceTokenResponse(trace: TokenTrace | undefined, status: number, json: unknown): void {
  trace?.sink.add({ account: trace.account, protocol: 'oauth2', dir: 'S', text: describeTokenResponse(status, json) });
}

export function traceTokenNote(trace: TokenTrace | undefined, text: string): void {
  trace?.sink.add({ account: trace.account, protocol: 'oauth2', dir: '-', text: sanitizeLine(text) });
}
