// The sync journal's lines for one batch (see sync-state.ts), written as UTF-8 bytes: the same JSON
// as JSON.stringify of the records (JournalRecord), which loadSyncState reads, without an object
// per message to build and walk first, nor a string per piece: 10,000 messages made ~3.5 MB of
// objects and JSON text that way, and concatenated strings ~6 MB.
import { putDecimal } from '../../text/decimal-bytes.js';

/** Strings written as they are between quotes: printable ASCII but '"' and '\' (UIDLs, our keys). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Writes JSON into one buffer sized in advance (an upper bound). */
class JsonBytes {
  private readonly buf: Buffer;
  private at = 0;

  constructor(maxBytes: number) {
    this.buf = Buffer.allocUnsafe(maxBytes);
  }

  /** ASCII text as it is (JSON syntax, or a PLAIN string). */
  raw(s: string): void {
    this.at += this.buf.write(s, this.at, 'latin1');
  }

  /** A string as a JSON string literal. */
  string(s: string): void {
    if (PLAIN.test(s)) {
      this.buf[this.at++] = 0x22;
      this.raw(s);
      this.buf[this.at++] = 0x22;
    } else {
      this.at += this.buf.write(JSON.stringify(s), this.at, 'utf8');
    }
  }

  /** A number: a size or a time in ms (digit by digit when it is a non-negative integer, as they are). */
  number(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.raw(JSON.stringify(n));
      return;
    }
    this.at = putDecimal(this.buf, this.at, n);
  }

  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** Room for a string as a JSON literal: quotes, and at most 6 bytes per UTF-16 unit ("\u001f"). */
const quotedMax = (s: string) => 2 + (PLAIN.test(s) ? s.length : 6 * s.length);

/** `"uidl":{"key":"…"` + `fields` + size + `}` for each message of a batch, comma-separated. */
function entries(out: JsonBytes, uidls: readonly { uidl: string }[], keys: readonly string[], bodies: readonly Buffer[], fields: string): void {
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out.raw(',');
    out.string(uidls[i]!.uidl);
    out.raw(':{"key":');
    out.string(keys[i]!);
    out.raw(fields);
    out.number(bodies[i]!.length);
    out.raw('}');
  }
}

/** Bytes for the entries of a batch, with `perEntry` bytes of syntax and fields each. */
function entriesMax(uidls: readonly { uidl: string }[], keys: readonly string[], perEntry: number): number {
  let n = 0;
  for (let i = 0; i < keys.length; i++) n += quotedMax(uidls[i]!.uidl) + quotedMax(keys[i]!) + perEntry;
  return n;
}

/** `{"pending":{uidl:{"key","size"}…},"lastArrivalMs":n}` and a newline: keys recorded before delivery. */
export function pendingLine(uidls: readonly { uidl: string }[], keys: readonly string[], bodies: readonly Buffer[], lastArrivalMs: number): Buffer {
  const fields = ',"size":';
  const out = new JsonBytes(64 + entriesMax(uidls, keys, 32 + fields.length));
  out.raw('{"pending":{');
  entries(out, uidls, keys, bodies, fields);
  out.raw('},"lastArrivalMs":');
  out.number(lastArrivalMs);
  out.raw('}\n');
  return out.done();
}

/** `{"stored":{uidl:{"key","downloadedAt","size"}…}}` and a newline: the batch is durable in the Maildir. */
export function storedLine(uidls: readonly { uidl: string }[], keys: readonly string[], bodies: readonly Buffer[], downloadedAt: string): Buffer {
  const fields = `,"downloadedAt":${JSON.stringify(downloadedAt)},"size":`;
  const out = new JsonBytes(64 + entriesMax(uidls, keys, 32 + 3 * fields.length));
  out.raw('{"stored":{');
  entries(out, uidls, keys, bodies, fields);
  out.raw('}}\n');
  return out.done();
}
