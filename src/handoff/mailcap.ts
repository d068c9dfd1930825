// Mailcap (RFC 1524): which program opens a content type. No maintained npm parser exists (the
// few packages are abandoned or parse only type → command), so this is a small one covering the
// RFC: comments, backslash continuations, `\;` inside fields, `type/*` and bare `type`, the flags
// needsterminal / copiousoutput, `test=` (run; entry used only when it exits 0) and
// `nametemplate=`. Files: $MAILCAPS (colon-separated) else ~/.mailcap, /etc/mailcap.
//
// The command is run by `sh -c`, and parts of it come from a message (content-type parameters,
// the file name template): every substituted value is single-quoted for the shell, and file
// names are tmail's own temp paths.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import libmime from 'libmime';

export interface MailcapEntry {
  /** Lower case, `type/*` for a bare `type`. */
  type: string;
  /** The view command as written, with %s, %t, %{param}. */
  command: string;
  needsTerminal: boolean;
  copiousOutput: boolean;
  test?: string;
  nameTemplate?: string;
}

/** Splits on unescaped `;`, undoing `\;` and `\\`. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1] === ';' || line[i + 1] === '\\' ? line[i + 1] : `\\${line[i + 1]}`;
      i++;
    } else if (c === ';') {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur.trim());
  return out;
}

export function parseMailcap(text: string): MailcapEntry[] {
  const entries: MailcapEntry[] = [];
  const joined = text.replace(/\\\r?\n/g, '');
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [typeField, command, ...rest] = fields(line);
    if (!typeField || command === undefined) continue;
    const type = typeField.toLowerCase().includes('/') ? typeField.toLowerCase() : `${typeField.toLowerCase()}/*`;
    const entry: MailcapEntry = { type, command, needsTerminal: false, copiousOutput: false };
    for (const f of rest) {
      const eq = f.indexOf('=');
      const key = (eq === -1 ? f : f.slice(0, eq)).trim().toLowerCase();
      const value = eq === -1 ? '' : f.slice(eq + 1).trim();
      if (key === 'needsterminal') entry.needsTerminal = true;
      else if (key === 'copiousoutput') entry.copiousOutput = true;
      else if (key === 'test' && value) entry.test = value;
      else if (key === 'nametemplate' && value) entry.nameTemplate = value;
    }
    entries.push(entry);
  }
  return entries;
}

/** The files to read, most specific first (RFC 1524 appendix A). */
export function mailcapFiles(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  if (env.MAILCAPS) return env.MAILCAPS.split(':').filter(Boolean);
  return [path.join(home, '.mailcap'), '/etc/mailcap'];
}

/** Every entry of the files that exist, in order; unreadable files are skipped. */
export function loadMailcap(files: readonly string[] = mailcapFiles()): MailcapEntry[] {
  return files.flatMap((f) => {
    try {
      return parseMailcap(readFileSync(f, 'utf8'));
    } catch {
      return [];
    }
  });
}

/** POSIX single quotes: safe for any string. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The MIME type without parameters, and its parameters (names lower case; RFC 2231 decoded by libmime). */
export function splitContentType(contentType: string): { type: string; params: Record<string, string> } {
  const parsed = libmime.parseHeaderValue(contentType);
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(parsed.params)) params[k.toLowerCase()] = String(v);
  return { type: parsed.value.trim().toLowerCase(), params };
}

/**
 * The command with %s (the file), %t (the type), %{name} (a content-type parameter) and %%
 * substituted, each value shell-quoted. `usesFile` false: the command reads the data on stdin.
 */
export function expandCommand(template: string, file: string, contentType: string): { command: string; usesFile: boolean } {
  const { type, params } = splitContentType(contentType);
  let usesFile = false;
  const command = template.replace(/%(%|s|t|\{([^}]*)\})/g, (_all, what: string, param: string | undefined) => {
    if (what === '%') return '%';
    if (what === 's') {
      usesFile = true;
      return shellQuote(file);
    }
    if (what === 't') return shellQuote(type);
    return shellQuote(params[(param ?? '').toLowerCase()] ?? '');
  });
  return { command, usesFile };
}

function typeMatches(pattern: string, type: string): boolean {
  if (pattern === type) return true;
  return pattern.endsWith('/*') && type.startsWith(pattern.slice(0, -1));
}

export interface LookupOptions {
  /** Skip entries meant to page text output (`copiousoutput`): for "open", not "view inline". */
  interactive?: boolean;
  /** Runs a `test=` command; default `sh -c` with the same substitutions, true on exit 0. */
  runTest?: (command: string) => boolean;
}

const defaultTest = (command: string): boolean => spawnSync('sh', ['-c', command], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** The first entry for `contentType` whose test passes, or undefined. */
export function findEntry(entries: readonly MailcapEntry[], contentType: string, file: string, options: LookupOptions = {}): MailcapEntry | undefined {
  const { type } = splitContentType(contentType);
  const runTest = options.runTest ?? defaultTest;
  for (const e of entries) {
    if (!typeMatches(e.type, type)) continue;
    if (options.interactive && e.copiousOutput) continue;
    if (e.test && !runTest(expandCommand(e.test, file, contentType).command)) continue;
    return e;
  }
  return undefined;
}

/** The file name a mailcap entry wants (`nametemplate=%s.pdf`), for tools that go by extension. */
export function applyNameTemplate(entry: MailcapEntry | undefined, baseName: string): string {
  if (!entry?.nameTemplate || !entry.nameTemplate.includes('%s')) return baseName;
  // "%s.html" on "message.html": the name already has what the template adds.
  if (entry.nameTemplate.startsWith('%s') && entry.nameTemplate.length > 2 && baseName.endsWith(entry.nameTemplate.slice(2))) return baseName;
  const name = entry.nameTemplate.replace('%s', baseName);
  return /[/\\\0]/.test(name) ? baseName : name;
}
