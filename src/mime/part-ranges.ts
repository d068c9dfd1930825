// Where each MIME part lies in the raw message, in bytes: what a signature check needs (RFC 1847:
// the signed part of multipart/signed is verified over its exact bytes, header and body, CRLFs as
// sent). mailparser decodes and does not keep offsets, so this is a separate linear pass over the
// raw Buffer; parts are given as ranges and rawPart() returns a view (subarray), never a copy.
//
// Rules (RFC 2046 5.1.1): a delimiter is "--boundary" at the start of a line, optionally followed
// by "--" (the close delimiter) and white space; the line break before it belongs to the
// delimiter, not to the part before it.
//
// An attached message (message/rfc822, or a part of multipart/digest) is a message of its own:
// `message` holds its range (header and body, the attached part's body) with its parts numbered
// below the attached part, as IMAP does ("2.1" is the first part of the message attached as "2").
// Only when it is sent unencoded (7bit, 8bit, binary, as RFC 2046 5.2.1 requires): a base64 or
// quoted-printable attached message has no raw bytes to point at.
import libmime from 'libmime';

export interface PartRange {
  /** IMAP-style section numbers: [] for the message itself, [2, 1] for "2.1". */
  section: number[];
  /** Lower-cased "type/subtype"; "text/plain" when the part declares none. */
  contentType: string;
  /** First byte of the part's header block. */
  start: number;
  /** First byte of its body (after the blank line). */
  bodyStart: number;
  /** One past its last byte. */
  end: number;
  children: PartRange[];
  /**
   * message/rfc822 only: the attached message, from its first header byte (this part's bodyStart)
   * to this part's end; its section is this part's, its children are numbered below it.
   */
  message?: PartRange;
}

/** Deeper nesting or more parts than this: the rest is left as one undivided part. */
const MAX_DEPTH = 32;
const MAX_PARTS = 2_000;

const LF = 0x0a;
const CR = 0x0d;

/** The part tree of `raw`, with byte ranges into it. */
export function partRanges(raw: Buffer): PartRange {
  const budget = { parts: MAX_PARTS };
  return entity(raw, 0, raw.length, [], 'text/plain', budget, 0);
}

/** The exact raw bytes of `part` (header and body): a view of `raw`, not a copy. */
export function rawPart(raw: Buffer, part: PartRange): Buffer {
  return raw.subarray(part.start, part.end);
}

/** The part with this section number ("1.2" or [1, 2]), if there is one. */
export function findPart(root: PartRange, section: string | number[]): PartRange | undefined {
  const path = typeof section === 'string' ? section.split('.').map(Number) : section;
  let part: PartRange | undefined = root;
  for (const n of path) {
    if (!part) return undefined;
    const inner: PartRange = part.message ?? part;
    // A message that is not multipart has one part, its body: section 1 (RFC 3501 6.4.5).
    part = inner.children.length > 0 ? inner.children[n - 1] : part.message && n === 1 ? inner : undefined;
  }
  return part;
}

function entity(raw: Buffer, start: number, end: number, section: number[], defaultType: string, budget: { parts: number }, depth: number): PartRange {
  const bodyStart = headerEnd(raw, start, end);
  const header = parseContentType(raw.toString('latin1', start, bodyStart), defaultType);
  const part: PartRange = { section, contentType: header.type, start, bodyStart, end, children: [] };
  if (depth >= MAX_DEPTH) return part;
  if (header.type === 'message/rfc822' && header.unencoded) {
    if (--budget.parts >= 0) part.message = entity(raw, bodyStart, end, section, 'text/plain', budget, depth + 1);
    return part;
  }
  if (!header.type.startsWith('multipart/') || !header.boundary) return part;
  // multipart/digest parts default to message/rfc822 (RFC 2046 5.1.5).
  const childDefault = header.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  const delimiters = findDelimiters(raw, bodyStart, end, header.boundary);
  for (const [i, open] of delimiters.entries()) {
    if (open.close) break;
    // Without a close delimiter (a truncated message) the last part runs to the end.
    const childEnd = delimiters[i + 1]?.breakStart ?? end;
    if (--budget.parts < 0) break;
    part.children.push(entity(raw, open.lineEnd, Math.max(open.lineEnd, childEnd), [...section, part.children.length + 1], childDefault, budget, depth + 1));
  }
  return part;
}

/** Start of the body: after the first empty line, or `end` when the block never ends. */
function headerEnd(raw: Buffer, start: number, end: number): number {
  let at = start;
  while (at < end) {
    // An empty line right here ends the header block (also a part with no headers at all).
    if (raw[at] === LF) return at + 1;
    if (raw[at] === CR && raw[at + 1] === LF) return at + 2;
    const lf = raw.indexOf(LF, at);
    if (lf === -1 || lf >= end) return end;
    at = lf + 1;
  }
  return end;
}

function parseContentType(headerBlock: string, defaultType: string): { type: string; boundary?: string; unencoded: boolean } {
  const unencoded = isUnencoded(headerBlock);
  const match = headerField('content-type').exec(headerBlock);
  if (!match) return { type: defaultType, unencoded };
  try {
    const parsed = libmime.parseHeaderValue(match[1]!.replace(/\r?\n/g, ''));
    const type = (parsed.value || defaultType).trim().toLowerCase();
    const boundary = parsed.params?.boundary;
    return typeof boundary === 'string' && boundary !== '' ? { type, boundary, unencoded } : { type, unencoded };
  } catch {
    return { type: defaultType, unencoded };
  }
}

/** The value of a header field (folded lines included) at the start of a line. */
function headerField(name: string): RegExp {
  return new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im');
}

/** No Content-Transfer-Encoding, or an identity one: the body bytes are the content. */
function isUnencoded(headerBlock: string): boolean {
  const match = headerField('content-transfer-encoding').exec(headerBlock);
  if (!match) return true;
  return ['7bit', '8bit', 'binary'].includes(
    match[1]!
      .replace(/\(.*?\)/g, '')
      .trim()
      .toLowerCase(),
  );
}

interface Delimiter {
  /** Where the line break before the delimiter line begins (the previous part ends here). */
  breakStart: number;
  /** First byte after the delimiter line (the next part starts here). */
  lineEnd: number;
  close: boolean;
}

function findDelimiters(raw: Buffer, from: number, end: number, boundary: string): Delimiter[] {
  const needle = Buffer.from(`--${boundary}`, 'latin1');
  const found: Delimiter[] = [];
  let at = raw.indexOf(needle, from);
  while (at !== -1 && at < end) {
    const lineStart = at === from || raw[at - 1] === LF;
    let p = at + needle.length;
    let close = false;
    if (raw[p] === 0x2d && raw[p + 1] === 0x2d) {
      close = true;
      p += 2;
    }
    while (p < end && (raw[p] === 0x20 || raw[p] === 0x09)) p++;
    const lineBreak = p >= end ? 0 : raw[p] === LF ? 1 : raw[p] === CR && raw[p + 1] === LF ? 2 : -1;
    if (lineStart && lineBreak >= 0) {
      const breakStart = at === from ? at : raw[at - 2] === CR ? at - 2 : at - 1;
      found.push({ breakStart: Math.max(from, breakStart), lineEnd: Math.min(end, p + lineBreak), close });
      if (close) break;
    }
    at = raw.indexOf(needle, at + needle.length);
  }
  return found;
}
