// JSON.parse on Node 20 often reports no position ("Unexpected token '}' ... is not valid JSON"),
// so a hand-edited config.json would get a useless message. jsonc-parser (strict mode: no comments,
// no trailing commas) finds the first error's offset, which we turn into line:column.
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';

const FRIENDLY: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a "quoted" property name',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between items',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string (use \\n, \\t, ...)',
};

/** "line 3, column 8: expected a value" for the first syntax error in `text`. */
export function describeJsonSyntaxError(text: string, fallback: string): string {
  const errors: ParseError[] = [];
  parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return fallback;
  const code = printParseErrorCode(first.error);
  const { line, column } = lineColumn(text, first.offset);
  let what = FRIENDLY[code] ?? code;
  if (code === 'ValueExpected' && /^\s*$/.test(text)) what = 'the file is empty (write {"accounts": []})';
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && isAfterComma(text, first.offset)) {
    what += ' (trailing commas are not allowed in JSON)';
  }
  return `line ${line}, column ${column}: ${what}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function isAfterComma(text: string, offset: number): boolean {
  return /,\s*$/.test(text.slice(0, offset)) && /^[}\]]/.test(text.slice(offset));
}
