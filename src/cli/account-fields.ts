// `tmail account edit NAME field=value ...`: which fields can be set that way and how a value
// typed on the command line becomes the JSON value. The config validator then checks the result
// as a whole (so "port=99999" fails with the same words as a hand-edited config.json).
import { UsageError } from './args.js';

type Kind = 'string' | 'number' | 'boolean';

const FIELDS: Record<string, Kind> = {
  email: 'string',
  host: 'string',
  port: 'number',
  security: 'string',
  user: 'string',
  passwordCommand: 'string',
  passwordEnv: 'string',
  ca: 'string',
  allowInsecureAuth: 'boolean',
  leaveOnServer: 'boolean',
  deleteAfterDays: 'number',
  deleteOnServerWhenDeletedLocally: 'boolean',
  apop: 'boolean',
  'ports.imap': 'number',
  'ports.pop3': 'number',
  'smtp.host': 'string',
  'smtp.port': 'number',
  'smtp.security': 'string',
  'smtp.user': 'string',
  'smtp.from': 'string',
  'smtp.ca': 'string',
  'smtp.allowInsecureAuth': 'boolean',
  'smtp.passwordCommand': 'string',
  'smtp.passwordEnv': 'string',
};

export const EDITABLE_FIELDS = Object.keys(FIELDS);

/** Fields with their own command, so edit points there instead of changing them behind its back. */
const ELSEWHERE: Record<string, string> = {
  name: 'rename it with: tmail account rename OLD NEW',
  protocol: 'switch it with: tmail account mode NAME pop3|imap (it explains what happens to your mail)',
};

export type Change = [path: string[], value: unknown];

/** `field=value` words as config changes; an empty value removes the field. */
export function parseAssignments(words: readonly string[]): Change[] {
  const changes: Change[] = [];
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${word}" is not field=value (e.g. port=993; "ca=" removes a field)`);
    const field = word.slice(0, eq);
    const text = word.slice(eq + 1);
    const kind = FIELDS[field];
    if (!kind) {
      const hint = ELSEWHERE[field] ?? `fields: ${EDITABLE_FIELDS.join(', ')}`;
      throw new UsageError(`"${field}" cannot be set here; ${hint}`);
    }
    const path = field.split('.');
    changes.push([path, text === '' ? undefined : convert(field, kind, text)]);
    // Only one password source at a time: setting one drops the other.
    const other = { passwordCommand: 'passwordEnv', passwordEnv: 'passwordCommand' }[path.at(-1)!];
    if (other && text !== '' && !words.some((w) => w.startsWith(`${[...path.slice(0, -1), other].join('.')}=`))) {
      changes.push([[...path.slice(0, -1), other], undefined]);
    }
  }
  return changes;
}

function convert(field: string, kind: Kind, text: string): unknown {
  if (kind === 'string') return text;
  if (kind === 'number') {
    if (!/^\d+$/.test(text)) throw new UsageError(`${field} must be a whole number, got "${text}"`);
    return Number(text);
  }
  if (/^(true|yes|on)$/i.test(text)) return true;
  if (/^(false|no|off)$/i.test(text)) return false;
  throw new UsageError(`${field} must be true or false, got "${text}"`);
}
