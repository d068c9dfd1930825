// The account's "auth" block in config.json: "method" is "password" (the default) or "oauth2" with
// string fields. Kept apart from validate.ts: the OAuth2 rules may grow without touching the rest.
import type { AuthConfig } from './types.js';

const OAUTH2_FIELDS = [
  'method', 'provider', 'tokenCommand', 'clientId', 'clientSecretCommand',
  'authorizationEndpoint', 'tokenEndpoint', 'deviceAuthorizationEndpoint', 'scope',
] as const;

/** The checked block, or undefined (with a problem reported) when it is unusable. */
export function authField(raw: unknown, problem: (field: string, text: string) => void, warn: (text: string) => void): AuthConfig | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem('auth', 'must be an object like {"method": "oauth2", ...}');
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  if (o.method === 'password' || o.method === undefined) return { method: 'password' };
  if (o.method !== 'oauth2') {
    problem('auth.method', `must be "password" or "oauth2", got ${JSON.stringify(o.method)}`);
    return undefined;
  }
  const auth: Record<string, string> = { method: 'oauth2' };
  for (const [key, value] of Object.entries(o)) {
    if (key === 'method') continue;
    if (!(OAUTH2_FIELDS as readonly string[]).includes(key)) {
      warn(`unknown field "auth.${key}" is ignored`);
      continue;
    }
    if (typeof value !== 'string' || !value.trim()) {
      problem(`auth.${key}`, 'must be a non-empty string');
      continue;
    }
    auth[key] = value;
  }
  return auth as unknown as AuthConfig;
}
