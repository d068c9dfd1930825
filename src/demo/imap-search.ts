// SEARCH criteria for the demo IMAP server (RFC 3501 §6.4.4, the common keys).
import type { StoredMessage } from './mail-store.js';
import { decodedField, messageText } from './message-text.js';
import { text, type Token } from './imap-tokens.js';
import { parseSearchDate, parseSet } from './imap-values.js';

export interface SearchContext {
  /** 1-based sequence number of a message in the session's view. */
  seq(m: StoredMessage): number;
  maxSeq: number;
  maxUid: number;
}

type Test = (m: StoredMessage) => boolean;

export class SearchError extends Error {}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  SEEN: ['\\Seen', true],
  UNSEEN: ['\\Seen', false],
  FLAGGED: ['\\Flagged', true],
  UNFLAGGED: ['\\Flagged', false],
  DELETED: ['\\Deleted', true],
  UNDELETED: ['\\Deleted', false],
  ANSWERED: ['\\Answered', true],
  UNANSWERED: ['\\Answered', false],
  DRAFT: ['\\Draft', true],
  UNDRAFT: ['\\Draft', false],
};

const has = (hay: string, needle: string) => hay.toLowerCase().includes(needle.toLowerCase());
const dayOf = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

export function compileSearch(tokens: Token[], ctx: SearchContext): Test {
  let i = 0;
  const next = (): Token => {
    if (i >= tokens.length) throw new SearchError('missing search argument');
    return tokens[i++]!;
  };
  const arg = () => text(next());
  const one = (): Test => {
    const t = next();
    if (Array.isArray(t)) {
      const inner = compileSearch(t, ctx);
      return inner;
    }
    const key = text(t).toUpperCase();
    if (FLAG_KEYS[key]) {
      const [flag, want] = FLAG_KEYS[key];
      return (m) => m.flags.has(flag) === want;
    }
    switch (key) {
      case 'ALL':
        return () => true;
      case 'NEW':
        return (m) => !m.flags.has('\\Seen');
      case 'OLD':
      case 'RECENT':
        return () => key === 'OLD';
      case 'KEYWORD': {
        const k = arg();
        return (m) => m.flags.has(k);
      }
      case 'UNKEYWORD': {
        const k = arg();
        return (m) => !m.flags.has(k);
      }
      case 'NOT': {
        const a = one();
        return (m) => !a(m);
      }
      case 'OR': {
        const a = one();
        const b = one();
        return (m) => a(m) || b(m);
      }
      case 'FROM':
      case 'TO':
      case 'CC':
      case 'BCC':
      case 'SUBJECT': {
        const v = arg();
        return (m) => has(decodedField(m.raw, key), v);
      }
      case 'HEADER': {
        const name = arg();
        const v = arg();
        return (m) => has(decodedField(m.raw, name), v);
      }
      case 'BODY': {
        const v = arg();
        return (m) => has(messageText(m.raw).body, v);
      }
      case 'TEXT': {
        const v = arg();
        return (m) => {
          const t = messageText(m.raw);
          return has(t.header, v) || has(t.body, v);
        };
      }
      case 'LARGER': {
        const n = Number(arg());
        return (m) => m.raw.length > n;
      }
      case 'SMALLER': {
        const n = Number(arg());
        return (m) => m.raw.length < n;
      }
      case 'SINCE':
      case 'BEFORE':
      case 'ON':
      case 'SENTSINCE':
      case 'SENTBEFORE':
      case 'SENTON': {
        const d = parseSearchDate(arg());
        if (!d) throw new SearchError(`bad date for ${key}`);
        const sent = key.startsWith('SENT');
        const when = (m: StoredMessage) => {
          if (!sent) return dayOf(m.internalDate);
          const hd = new Date(decodedField(m.raw, 'date'));
          return dayOf(Number.isNaN(hd.getTime()) ? m.internalDate : hd);
        };
        const base = key.replace('SENT', '');
        if (base === 'SINCE') return (m) => when(m) >= d.getTime();
        if (base === 'BEFORE') return (m) => when(m) < d.getTime();
        return (m) => when(m) === d.getTime();
      }
      case 'UID': {
        const set = parseSet(arg(), ctx.maxUid);
        if (!set) throw new SearchError('bad UID set');
        return (m) => set(m.uid);
      }
      case 'CHARSET':
        arg();
        return () => true;
      default: {
        const set = parseSet(key, ctx.maxSeq);
        if (!set) throw new SearchError(`unknown search key ${key}`);
        return (m) => set(ctx.seq(m));
      }
    }
  };
  const tests: Test[] = [];
  while (i < tokens.length) tests.push(one());
  return (m) => tests.every((t) => t(m));
}
