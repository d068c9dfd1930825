// A small MIME splitter for the demo server: enough structure for IMAP ENVELOPE, BODYSTRUCTURE
// and BODY[section] over the demo's own sample messages (which are well-formed by construction).
// Not a general parser: real mail never reaches the demo server.

export interface MimePart {
  /** Raw header block including its final blank line. */
  header: Buffer;
  body: Buffer;
  /** Lowercased name → unfolded raw value (first occurrence). */
  fields: Map<string, string>;
  type: string;
  subtype: string;
  params: Record<string, string>;
  children: MimePart[];
}

function splitHeader(raw: Buffer): { header: Buffer; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf !== -1) return { header: raw.subarray(0, crlf + 4), body: raw.subarray(crlf + 4) };
  return { header: raw, body: Buffer.alloc(0) };
}

export function headerFields(header: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  const text = header.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** `text/plain; charset="utf-8"; name=x` → type, subtype, params (names lowercased). */
export function parseParams(value: string): { main: string; params: Record<string, string> } {
  const parts = value.match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? [''];
  const params: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/\\(.)/g, '$1');
  }
  return { main: (parts[0] ?? '').trim().toLowerCase(), params };
}

export function parseMime(raw: Buffer, defaultType = 'text/plain'): MimePart {
  const { header, body } = splitHeader(raw);
  const fields = headerFields(header);
  const ct = parseParams(fields.get('content-type') ?? defaultType);
  const [type = 'text', subtype = 'plain'] = ct.main.split('/');
  const part: MimePart = { header, body, fields, type, subtype, params: ct.params, children: [] };
  const boundary = ct.params.boundary;
  if (type === 'multipart' && boundary) {
    const delimiter = Buffer.from(`--${boundary}`);
    const childDefault = subtype === 'digest' ? 'message/rfc822' : 'text/plain';
    let pos = body.indexOf(delimiter);
    while (pos !== -1) {
      const lineEnd = body.indexOf('\r\n', pos);
      if (body.subarray(pos + delimiter.length, pos + delimiter.length + 2).toString() === '--' || lineEnd === -1) break;
      const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), lineEnd);
      const end = next === -1 ? body.length : next;
      part.children.push(parseMime(body.subarray(lineEnd + 2, end), childDefault));
      pos = next === -1 ? -1 : next + 2;
    }
  }
  return part;
}

/** The part named by an IMAP section number path ("1", "2.1"); undefined when absent. */
export function partAt(root: MimePart, path: number[]): MimePart | undefined {
  let node: MimePart | undefined = root;
  for (const n of path) {
    if (!node) return undefined;
    // A non-multipart message has exactly one part, number 1: itself.
    node = node.children.length === 0 && n === 1 ? node : node.children[n - 1];
  }
  return node;
}
