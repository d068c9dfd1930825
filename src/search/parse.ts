// The search language the user types (`:search`, `:limit`, `:tag`) → a SearchNode tree.
//
//   from:alice subject:"weekly report" since:2024-01-01 (is:unread or is:flagged) not has:attachment
//
// Terms side by side are ANDed; `and`, `or`, `not` (any case) and parentheses combine them; `or`
// binds weaker than `and`. A plain word or "quoted phrase" is searched anywhere in the message.
// Every mistake is a SearchSyntaxError that names the column (1-based), never a stack trace.
import type { SearchField, SearchNode } from '../domain/index.js';
import { parseDay, parseSize } from './values.js';

export class SearchSyntaxError extends Error {
  constructor(
    /** 1-based column of the offending character. */
    readonly column: number,
    what: string,
  ) {
    super(`column ${column}: ${what}`);
    this.name = 'SearchSyntaxError';
  }
}

export interface ParseOptions {
  /** "Today" for relative dates (7d, today); the default is now. */
  now?: Date;
}

const TEXT_FIELDS: readonly SearchField[] = ['from', 'to', 'cc', 'subject', 'body'];
const IS_VALUES = ['unread', 'read', 'flagged', 'answered'] as const;
export const SEARCH_FIELDS = [...TEXT_FIELDS, 'before', 'since', 'on', 'larger', 'smaller', 'is', 'has'] as const;
/** Longer than this is not a query someone typed; refused before any work. */
const MAX_QUERY_LENGTH = 4096;
const MAX_DEPTH = 64;

type Token =
  | { type: '('; column: number }
  | { type: ')'; column: number }
  | { type: 'word'; text: string; column: number; quoted: boolean }
  | { type: 'field'; field: string; value: string; column: number; valueColumn: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const quoted = (start: number): { text: string; end: number } => {
    let text = '';
    let j = start + 1;
    while (j < input.length && input[j] !== '"') {
      if (input[j] === '\\' && j + 1 < input.length) j++;
      text += input[j];
      j++;
    }
    if (j >= input.length) throw new SearchSyntaxError(start + 1, 'this quote is never closed');
    if (text.trim() === '') throw new SearchSyntaxError(start + 1, 'empty quotes: put the text to search for between them');
    return { text, end: j + 1 };
  };
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push(c === '(' ? { type: '(', column: i + 1 } : { type: ')', column: i + 1 });
      i++;
      continue;
    }
    if (c === '"') {
      const q = quoted(i);
      tokens.push({ type: 'word', text: q.text, column: i + 1, quoted: true });
      i = q.end;
      continue;
    }
    let j = i;
    while (j < input.length && !/[\s()"]/.test(input[j]!)) j++;
    const word = input.slice(i, j);
    const colon = word.indexOf(':');
    if (colon > 0 && /^[a-z]+$/i.test(word.slice(0, colon))) {
      const field = word.slice(0, colon).toLowerCase();
      if (!(SEARCH_FIELDS as readonly string[]).includes(field)) {
        throw new SearchSyntaxError(
          i + 1,
          `unknown field "${word.slice(0, colon)}:" (known: ${SEARCH_FIELDS.map((f) => `${f}:`).join(' ')}); put text with a colon in quotes`,
        );
      }
      let value = word.slice(colon + 1);
      let valueColumn = i + colon + 2;
      if (value === '' && input[j] === '"') {
        const q = quoted(j);
        value = q.text;
        valueColumn = j + 1;
        j = q.end;
      } else if (value === '') {
        throw new SearchSyntaxError(i + 1, `"${field}:" needs a value right after the colon`);
      }
      tokens.push({ type: 'field', field, value, column: i + 1, valueColumn });
    } else {
      tokens.push({ type: 'word', text: word, column: i + 1, quoted: false });
    }
    i = j;
  }
  return tokens;
}

const isOperator = (t: Token | undefined, op: 'and' | 'or' | 'not'): boolean => t?.type === 'word' && !t.quoted && t.text.toLowerCase() === op;

/** Parses a query; an empty one matches every message. Throws SearchSyntaxError. */
export function parseSearch(input: string, options: ParseOptions = {}): SearchNode {
  if (input.length > MAX_QUERY_LENGTH) throw new SearchSyntaxError(MAX_QUERY_LENGTH + 1, `a query is limited to ${MAX_QUERY_LENGTH} characters`);
  const tokens = tokenize(input);
  const now = options.now ?? new Date();
  let pos = 0;
  const end = input.length + 1;
  const columnOf = (t: Token | undefined) => t?.column ?? end;

  const orExpr = (depth: number): SearchNode => {
    if (depth > MAX_DEPTH) throw new SearchSyntaxError(columnOf(tokens[pos]), 'too many nested parentheses');
    const nodes = [andExpr(depth)];
    while (isOperator(tokens[pos], 'or')) {
      pos++;
      nodes.push(andExpr(depth));
    }
    return nodes.length === 1 ? nodes[0]! : { kind: 'or', nodes };
  };

  const andExpr = (depth: number): SearchNode => {
    const nodes = [unary(depth)];
    for (;;) {
      const t = tokens[pos];
      if (!t || t.type === ')' || isOperator(t, 'or')) break;
      if (isOperator(t, 'and')) pos++;
      nodes.push(unary(depth));
    }
    return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
  };

  const unary = (depth: number): SearchNode => {
    if (isOperator(tokens[pos], 'not')) {
      pos++;
      return { kind: 'not', node: unary(depth + 1) };
    }
    return primary(depth);
  };

  const primary = (depth: number): SearchNode => {
    const t = tokens[pos];
    if (!t) throw new SearchSyntaxError(end, 'the query ends where a search term is expected');
    if (t.type === '(') {
      pos++;
      if (tokens[pos]?.type === ')') throw new SearchSyntaxError(columnOf(tokens[pos]), 'empty parentheses');
      const inner = orExpr(depth + 1);
      if (tokens[pos]?.type !== ')') throw new SearchSyntaxError(t.column, 'this parenthesis is never closed');
      pos++;
      return inner;
    }
    if (t.type === ')') throw new SearchSyntaxError(t.column, 'a closing parenthesis without an opening one');
    pos++;
    if (t.type === 'word') {
      if (!t.quoted && (isOperator(t, 'and') || isOperator(t, 'or'))) {
        throw new SearchSyntaxError(t.column, `"${t.text}" needs a search term on both sides (quote it to search for the word)`);
      }
      return { kind: 'text', field: 'text', value: t.text };
    }
    return fieldTerm(t, now);
  };

  if (tokens.length === 0) return { kind: 'all' };
  const tree = orExpr(0);
  const extra = tokens[pos];
  if (extra) throw new SearchSyntaxError(extra.column, extra.type === ')' ? 'a closing parenthesis without an opening one' : 'unexpected text');
  return tree;
}

function fieldTerm(t: Extract<Token, { type: 'field' }>, now: Date): SearchNode {
  const { field, value, valueColumn } = t;
  if ((TEXT_FIELDS as readonly string[]).includes(field)) return { kind: 'text', field: field as SearchField, value };
  if (field === 'before' || field === 'since' || field === 'on') {
    const day = parseDay(value, now);
    if (!day)
      throw new SearchSyntaxError(
        valueColumn,
        `"${value}" is not a date: use YYYY-MM-DD, today, yesterday or a number of days/weeks/months/years ago like 7d, 2w, 3m, 1y`,
      );
    return { kind: 'date', op: field, day };
  }
  if (field === 'larger' || field === 'smaller') {
    const bytes = parseSize(value);
    if (bytes === undefined) throw new SearchSyntaxError(valueColumn, `"${value}" is not a size: use a number of bytes, or with K, M or G (e.g. 500K)`);
    return { kind: 'size', op: field, bytes };
  }
  const lower = value.toLowerCase();
  if (field === 'is') {
    if (!(IS_VALUES as readonly string[]).includes(lower))
      throw new SearchSyntaxError(valueColumn, `"is:${value}" is not known: use is:${IS_VALUES.join(', is:')}`);
    return { kind: 'flag', state: lower as (typeof IS_VALUES)[number] };
  }
  // field === 'has'
  if (lower !== 'attachment' && lower !== 'attachments') throw new SearchSyntaxError(valueColumn, `"has:${value}" is not known: use has:attachment`);
  return { kind: 'attachment' };
}
