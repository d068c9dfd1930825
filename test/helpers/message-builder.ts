// Builds realistic RFC 5322 messages deterministically from (index, seed): plain text,
// multipart/alternative, attachments with non-ASCII names, RFC 2047 subjects and names, threads
// via In-Reply-To/References, quoted-printable, long lines and the dot lines that POP3 must
// stuff. Hand-written templates instead of a MIME composer: 100,000 messages must build in a
// few seconds and every byte must be reproducible (no random boundaries or ids).
// Line endings are LF, as Dovecot stores Maildir files.

export interface BuiltMessage {
  bytes: Buffer;
  messageId: string;
  /** Decoded subject (what a client should display). */
  subject: string;
  date: Date;
  /** Index of the thread root this message replies to (itself when it starts a thread). */
  threadRoot: number;
  /** Message-IDs in the References header, oldest first (empty for a thread start). */
  references: string[];
  kind: MessageKind;
}

export type MessageKind = 'plain' | 'qp' | 'alternative' | 'attachment' | 'mixed-alternative';

/** Default first date: fixed so that the same (i, seed) always gives the same bytes. */
export const DEFAULT_START_DATE = new Date('2023-01-02T08:00:00Z');
/** Messages are ~10 minutes apart (with jitter below the step, so dates strictly ascend). */
const STEP_SECONDS = 600;
const MAX_THREAD_DEPTH = 8;

// --- deterministic randomness -------------------------------------------------------------

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x6a09e667, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: tiny, fast, good enough for test data. */
class Rng {
  private state: number;
  constructor(seed: number, i: number, salt = 0) {
    this.state = mix(mix(seed, i), salt) || 1;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// --- data pools ---------------------------------------------------------------------------

interface Person {
  name: string;
  address: string;
}

const PEOPLE: readonly Person[] = [
  { name: 'Alice Example', address: 'alice@example.test' },
  { name: 'Bob Builder', address: 'bob@example.org' },
  { name: 'Jürgen Müller', address: 'juergen.mueller@example.de' },
  { name: '山田 太郎', address: 'taro.yamada@example.jp' },
  { name: 'Zoë 🚀 Launch', address: 'zoe@example.com' },
  { name: 'Doe, John', address: 'john.doe@example.net' },
  { name: 'François Lefèvre', address: 'francois@example.fr' },
  { name: 'Карина Иванова', address: 'karina@example.ru' },
  { name: '', address: 'noreply@notifications.example.com' },
  { name: 'Ops Team', address: 'ops@example.org' },
  { name: 'Søren Kierkegaard', address: 'soren@example.dk' },
  { name: '李小龍', address: 'li@example.cn' },
  { name: 'Grace Hopper', address: 'grace@example.edu' },
  { name: 'Ada Lovelace', address: 'ada@example.co.uk' },
];

const ME: Person = { name: 'Alice Example', address: 'alice@example.test' };

const SUBJECTS: readonly string[] = [
  'Quarterly report',
  'Lunch on Friday?',
  'Grüße aus München',
  '会議の議事録',
  '🎉 Party this weekend',
  'Server maintenance window',
  'Invoice #4711',
  'Re-org of the team wiki',
  'Ünïcödé test: naïve café',
  'Фотографии с конференции',
  'Build failed on main',
  'Your order has shipped 📦',
  'Weekly sync notes',
  '旅行の計画について',
  'Question about the API',
  'Urlaubsvertretung nächste Woche',
  'A very long subject line that goes on and on to make sure that header folding and truncation in narrow terminals are exercised properly',
  'Déjà vu: the same bug again',
];

const WORDS: readonly string[] = (
  'the of and to in is that for it as with was on be at by this had not are but from or have an they ' +
  'which one you were her all she there would their we him been has when who will more no if out so ' +
  'said what up its about into than them can only other new some could time these two may then do ' +
  'first any my now such like our over man me even most made after also did many before must through ' +
  'server mailbox folder message window release deploy meeting budget invoice schedule review draft'
).split(' ');

const UNICODE_SNIPPETS: readonly string[] = [
  'Grüße',
  'naïve café',
  '日本語のテキスト',
  'emoji 👍🏽 and 🇩🇪',
  'Ελληνικά',
  'Ωμέγα',
  '中文字符',
  'straße',
  'עברית',
];

const ZONES: readonly number[] = [0, 60, 120, -300, -480, 540, 330, -180];

// --- header encoding ----------------------------------------------------------------------

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

/** RFC 2047 B encoding, split so each encoded word stays <= 75 chars and holds whole characters. */
function encodeB(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(`=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`);
  return words.join('\n ');
}

/** RFC 2047 Q encoding (for phrases and unstructured text), split like encodeB. */
function encodeQ(text: string): string {
  const words: string[] = [];
  let word = '';
  for (const ch of text) {
    let enc = '';
    if (/^[A-Za-z0-9!*+\-/]$/.test(ch)) enc = ch;
    else if (ch === ' ') enc = '_';
    else for (const b of Buffer.from(ch)) enc += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (word.length + enc.length > 63) {
      words.push(`=?UTF-8?Q?${word}?=`);
      word = '';
    }
    word += enc;
  }
  if (word) words.push(`=?UTF-8?Q?${word}?=`);
  return words.join('\n ');
}

function encodeText(text: string, useQ: boolean): string {
  if (ASCII_PRINTABLE.test(text)) return text;
  return useQ ? encodeQ(text) : encodeB(text);
}

/** Folds an unstructured ASCII header value at spaces so lines stay under 78 chars. */
function foldAscii(name: string, value: string): string {
  const out: string[] = [];
  let line = `${name}:`;
  for (const word of value.split(' ')) {
    if (line.length + 1 + word.length > 76 && line.length > name.length + 1) {
      out.push(line);
      line = ` ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  out.push(line);
  return out.join('\n');
}

function formatAddress(p: Person, useQ: boolean): string {
  if (!p.name) return p.address;
  if (!ASCII_PRINTABLE.test(p.name)) return `${encodeText(p.name, useQ)} <${p.address}>`;
  if (/[,;:"()<>@[\]\\.]/.test(p.name)) return `"${p.name.replace(/["\\]/g, '\\$&')}" <${p.address}>`;
  return `${p.name} <${p.address}>`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date of the same instant, shown in the given zone. */
export function formatRfc5322Date(date: Date, zoneMinutes: number): string {
  const local = new Date(date.getTime() + zoneMinutes * 60_000);
  const sign = zoneMinutes < 0 ? '-' : '+';
  const abs = Math.abs(zoneMinutes);
  return (
    `${DAYS[local.getUTCDay()]}, ${pad2(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} ` +
    `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

// --- body encodings -----------------------------------------------------------------------

/** Quoted-printable with soft breaks at 76 columns; input lines are joined with LF. */
function encodeQP(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const bytes = Buffer.from(line);
    let cur = '';
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k] as number;
      const last = k === bytes.length - 1;
      let enc: string;
      if ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last)) enc = String.fromCharCode(b);
      else enc = `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      if (cur.length + enc.length > 75) {
        out.push(`${cur}=`);
        cur = '';
      }
      cur += enc;
    }
    out.push(cur);
  }
  return out.join('\n');
}

function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let k = 0; k < b64.length; k += 76) lines.push(b64.slice(k, k + 76));
  return lines.join('\n');
}

// --- content ------------------------------------------------------------------------------

function sentence(rng: Rng): string {
  const n = 6 + rng.int(12);
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(rng.pick(WORDS));
  if (rng.chance(0.15)) words.splice(rng.int(words.length), 0, rng.pick(UNICODE_SNIPPETS));
  const s = words.join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

function wrap(text: string, width = 72): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Plain text body lines, including the POP3 dot-stuffing cases and long lines when asked. */
function textBody(rng: Rng, extras: number, ascii: boolean): string[] {
  const lines: string[] = [`Hello,`, ''];
  const paragraphs = 1 + rng.int(4);
  for (let p = 0; p < paragraphs; p++) {
    let text = '';
    const n = 2 + rng.int(4);
    for (let k = 0; k < n; k++) text += (k ? ' ' : '') + sentence(rng);
    if (ascii) text = text.replace(/[^\x20-\x7e]+/g, 'x');
    lines.push(...wrap(text), '');
  }
  // Lines POP3 must dot-stuff: "." alone would end a multi-line reply if not stuffed.
  if (extras & EXTRA_DOTS) lines.push('.', '..', '.hidden-file', '..double-dot', '.', 'after the dot line', '');
  if (extras & EXTRA_LONG_LINE) lines.push(`${'long-line-'.repeat(40 + rng.int(45))}end`, '');
  if (extras & EXTRA_QUOTE) lines.push('> quoted text from before', '>> deeper quote', '');
  lines.push('-- ', rng.pick(PEOPLE).name || 'The Team');
  return lines;
}

function htmlBody(textLines: string[], title: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const paras = textLines
    .join('\n')
    .split('\n\n')
    .map((p) => `<p>${esc(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title>\n` +
    `<style>p { font-family: sans-serif; } .muted { color: #888; }</style></head>\n<body>\n` +
    `${paras}\n<p class="muted">Sent with <a href="https://example.com/mailer">Example Mailer</a> ` +
    `&mdash; <b>bold</b> &amp; <i>italic</i></p>\n</body></html>`
  );
}

const EXTRA_DOTS = 1;
const EXTRA_LONG_LINE = 2;
const EXTRA_QUOTE = 4;
/** Distinct body texts per seed; bodies repeat across messages (headers never do), which keeps 100k fast. */
const BODY_VARIANTS = 96;
const ATTACHMENT_VARIANTS = 48;

interface BodyVariant {
  text: string;
  qp: string;
  htmlQp: string;
  ascii: boolean;
}

const bodyCache = new Map<string, BodyVariant>();
const attachmentCache = new Map<string, string>();

/** Body number `variant` with the given extras; a pure function of its arguments (cached). */
function bodyVariant(seed: number, variant: number, extras: number, ascii: boolean): BodyVariant {
  const key = `${seed}:${variant}:${extras}:${ascii ? 1 : 0}`;
  let v = bodyCache.get(key);
  if (!v) {
    const rng = new Rng(seed, variant, 0x426f + extras);
    const lines = textBody(rng, extras, ascii);
    const text = lines.join('\n');
    const title = rng.pick(SUBJECTS);
    v = { text, qp: encodeQP(text), htmlQp: encodeQP(htmlBody(lines, title)), ascii: ASCII_PRINTABLE.test(lines.join('')) };
    if (bodyCache.size > 20_000) bodyCache.clear();
    bodyCache.set(key, v);
  }
  return v;
}

interface Attachment {
  name: string;
  type: string;
  data: Buffer;
}

const ATTACHMENT_NAMES: readonly { name: string; type: string }[] = [
  { name: 'report-2024.pdf', type: 'application/pdf' },
  { name: 'Übersicht.csv', type: 'text/csv' },
  { name: '写真.png', type: 'image/png' },
  { name: 'notes 🚀.txt', type: 'text/plain' },
  { name: 'archive.zip', type: 'application/zip' },
  { name: 'data.bin', type: 'application/octet-stream' },
  { name: 'résumé.pdf', type: 'application/pdf' },
];

/** One attachment MIME part (headers + base64), a pure function of (seed, variant) (cached). */
function attachmentPart(seed: number, variant: number): string {
  const key = `${seed}:${variant}`;
  let part = attachmentCache.get(key);
  if (part === undefined) {
    const a = attachmentFor(new Rng(seed, variant, 0x4174));
    part = `${attachmentHeaders(a)}\n\n${base64Lines(a.data)}\n`;
    if (attachmentCache.size > 10_000) attachmentCache.clear();
    attachmentCache.set(key, part);
  }
  return part;
}

function attachmentFor(rng: Rng): Attachment {
  const spec = rng.pick(ATTACHMENT_NAMES);
  const size = 200 + rng.int(600);
  const data = Buffer.alloc(size);
  let prefix: Buffer;
  if (spec.type === 'application/pdf') prefix = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  else if (spec.type === 'image/png') prefix = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  else if (spec.type === 'application/zip') prefix = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
  else prefix = Buffer.alloc(0);
  if (spec.type.startsWith('text/')) {
    const rows = ['id;name;amount'];
    while (rows.join('\n').length < size) rows.push(`${rows.length};${rng.pick(WORDS)} ${rng.pick(UNICODE_SNIPPETS)};${rng.int(10000) / 100}`);
    return { ...spec, data: Buffer.from(`${rows.join('\n')}\n`) };
  }
  prefix.copy(data);
  for (let k = prefix.length; k < size; k++) data[k] = rng.int(256);
  return { ...spec, data };
}

/** Content-Type and Content-Disposition with a name that survives old and new parsers. */
function attachmentHeaders(a: Attachment): string {
  const type = a.type.startsWith('text/') ? `${a.type}; charset=utf-8` : a.type;
  if (ASCII_PRINTABLE.test(a.name)) {
    return `Content-Type: ${type}; name="${a.name}"\nContent-Transfer-Encoding: base64\n` + `Content-Disposition: attachment; filename="${a.name}"`;
  }
  // RFC 2231 for the filename, RFC 2047 in name= as many mailers still do.
  const pct = [...Buffer.from(a.name)]
    .map((b) => (/[A-Za-z0-9.\-_]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
  return (
    `Content-Type: ${type};\n name="${encodeB(a.name).replace(/\n /g, ' ')}"\nContent-Transfer-Encoding: base64\n` +
    `Content-Disposition: attachment;\n filename*=UTF-8''${pct}`
  );
}

// --- threads ------------------------------------------------------------------------------

interface ThreadInfo {
  root: number;
  /** Ancestors from root to direct parent (indices). */
  ancestors: number[];
}

/** Which earlier message `i` replies to; computed from (i, seed) alone so any message can be rebuilt. */
function threadOf(i: number, seed: number): ThreadInfo {
  const chain: number[] = [];
  let cur = i;
  for (let depth = 0; depth < MAX_THREAD_DEPTH; depth++) {
    const rng = new Rng(seed, cur, 0x7468);
    if (cur === 0 || !rng.chance(0.35)) break;
    const parent = cur - 1 - rng.int(Math.min(cur, 25));
    chain.unshift(parent);
    cur = parent;
  }
  return { root: chain.length ? (chain[0] as number) : i, ancestors: chain };
}

export function messageIdOf(i: number, seed: number): string {
  return `<${i}.${seed}.${mix(seed, i).toString(36)}@gen.tmail.test>`;
}

function rootSubject(i: number, seed: number): string {
  const rng = new Rng(seed, i, 0x5375);
  const base = rng.pick(SUBJECTS);
  return rng.chance(0.5) ? base : `${base} (${i})`;
}

export function messageDate(i: number, seed: number, startDate: Date = DEFAULT_START_DATE): Date {
  const jitter = new Rng(seed, i, 0x6474).int(STEP_SECONDS - 60);
  return new Date(Math.floor(startDate.getTime() / 1000) * 1000 + (i * STEP_SECONDS + jitter) * 1000);
}

// --- assembly -----------------------------------------------------------------------------

export function kindOf(i: number, seed: number): MessageKind {
  const r = new Rng(seed, i, 0x4b69).int(100);
  if (r < 35) return 'plain';
  if (r < 45) return 'qp';
  if (r < 70) return 'alternative';
  if (r < 90) return 'attachment';
  return 'mixed-alternative';
}

export function buildMessageInfo(i: number, seed = 1, startDate: Date = DEFAULT_START_DATE): BuiltMessage {
  const rng = new Rng(seed, i);
  const kind = kindOf(i, seed);
  const date = messageDate(i, seed, startDate);
  const thread = threadOf(i, seed);
  const messageId = messageIdOf(i, seed);
  const references = thread.ancestors.map((a) => messageIdOf(a, seed));
  const base = rootSubject(thread.root, seed);
  const subject = references.length ? `Re: ${base}` : base;
  const useQ = rng.chance(0.5);
  const from = rng.pick(PEOPLE);
  const to = from.address === ME.address ? (PEOPLE[1] as Person) : ME;

  const h: string[] = [];
  h.push(`Return-Path: <${from.address}>`);
  h.push(
    `Received: from mx${rng.int(9)}.example.net (mx.example.net [192.0.2.${1 + rng.int(250)}])\n` +
      `\tby mail.example.test with ESMTPS id ${mix(i, seed).toString(16)}\n\tfor <${to.address}>; ${formatRfc5322Date(date, 0)}`,
  );
  h.push(`Date: ${formatRfc5322Date(date, rng.pick(ZONES))}`);
  h.push(`From: ${formatAddress(from, useQ)}`);
  h.push(`To: ${formatAddress(to, useQ)}`);
  if (rng.chance(0.2)) h.push(`Cc: ${formatAddress(rng.pick(PEOPLE), !useQ)}, ${formatAddress(rng.pick(PEOPLE), useQ)}`);
  const encodedSubject = encodeText(base, useQ);
  const subjectLine = references.length ? `Re: ${encodedSubject}` : encodedSubject;
  h.push(ASCII_PRINTABLE.test(base) ? foldAscii('Subject', subjectLine) : `Subject: ${subjectLine}`);
  h.push(`Message-ID: ${messageId}`);
  if (references.length) {
    h.push(`In-Reply-To: ${references[references.length - 1]}`);
    h.push(`References: ${references.join('\n ')}`);
  }
  h.push('MIME-Version: 1.0');
  if (rng.chance(0.1)) h.push('X-Mailer: tmail-generator 1.0');

  let extras = 0;
  if (i % 7 === 3) extras |= EXTRA_DOTS;
  if (i % 11 === 5) extras |= EXTRA_LONG_LINE;
  if (i % 13 === 8) extras |= EXTRA_QUOTE;
  const v = bodyVariant(seed, rng.int(BODY_VARIANTS), extras, kind === 'plain' && rng.chance(0.3));
  const boundary = (tag: string) => `=_tmailgen_${seed}_${i}_${tag}`;
  let body: string;

  const textPart8bit = () => `Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${v.text}\n`;
  const textPartQP = () => `Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n${v.qp}\n`;
  const alternative = (b: string) =>
    `--${b}\n${i % 2 ? textPartQP() : textPart8bit()}--${b}\n` +
    `Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n` +
    `${v.htmlQp}\n--${b}--\n`;

  switch (kind) {
    case 'plain': {
      h.push(`Content-Type: text/plain; charset=${v.ascii ? 'us-ascii' : 'utf-8'}; format=flowed`);
      h.push(`Content-Transfer-Encoding: ${v.ascii ? '7bit' : '8bit'}`);
      body = `${v.text}\n`;
      break;
    }
    case 'qp':
      h.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable');
      body = `${v.qp}\n`;
      break;
    case 'alternative': {
      const b = boundary('alt');
      h.push(`Content-Type: multipart/alternative;\n boundary="${b}"`);
      body = `This is a multi-part message in MIME format.\n\n${alternative(b)}`;
      break;
    }
    case 'attachment':
    case 'mixed-alternative': {
      const b = boundary('mix');
      h.push(`Content-Type: multipart/mixed;\n boundary="${b}"`);
      const first =
        kind === 'attachment' ? textPart8bit() : `Content-Type: multipart/alternative;\n boundary="${boundary('alt')}"\n\n${alternative(boundary('alt'))}`;
      const count = 1 + (rng.chance(0.25) ? 1 : 0);
      let parts = '';
      for (let k = 0; k < count; k++) parts += `--${b}\n${attachmentPart(seed, rng.int(ATTACHMENT_VARIANTS))}`;
      body = `This is a multi-part message in MIME format.\n\n--${b}\n${first}${parts}--${b}--\n`;
      break;
    }
  }
  const bytes = Buffer.from(`${h.join('\n')}\n\n${body}`);
  return { bytes, messageId, subject, date, threadRoot: thread.root, references, kind };
}

/** The exact bytes (LF line endings) of message `i` for `seed`. */
export function buildMessage(i: number, seed = 1, startDate: Date = DEFAULT_START_DATE): Buffer {
  return buildMessageInfo(i, seed, startDate).bytes;
}
