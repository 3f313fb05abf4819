// Lexer for the expression language: source text to tokens carrying their 0-based positions.
import { ExpressionError } from './errors.js';

export interface Token {
  readonly kind: 'number' | 'string' | 'name' | 'op' | 'end';
  /** Canonical operator, identifier, string contents, or the digits of a number. */
  readonly text: string;
  readonly pos: number;
  readonly end: number;
}

// Longest spellings first so `<=` is not read as `<` followed by `=`.
const OPERATORS: ReadonlyArray<readonly [spelling: string, canonical: string]> = [
  ['==', '='], ['!=', '!='], ['<>', '!='], ['<=', '<='], ['>=', '>='],
  ['=', '='], ['<', '<'], ['>', '>'],
  ['+', '+'], ['-', '-'], ['\u2212', '-'], ['*', '*'], ['\u00d7', '*'], ['/', '/'], ['\u00f7', '/'],
  ['(', '('], [')', ')'], [',', ','],
];

const SPACE = /\s+/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = pos;
    return pattern.exec(source)?.[0];
  };
  const push = (kind: Token['kind'], text: string, length: number): void => {
    tokens.push({ kind, text, pos, end: pos + length });
    pos += length;
  };

  while (pos < source.length) {
    const space = match(SPACE);
    if (space !== undefined) {
      pos += space.length;
      continue;
    }
    const number = match(NUMBER);
    if (number !== undefined) {
      if (!Number.isFinite(Number(number))) throw new ExpressionError('Number is too large', pos, source);
      push('number', number, number.length);
      continue;
    }
    const name = match(NAME);
    if (name !== undefined) {
      push('name', name, name.length);
      continue;
    }
    const char = source[pos];
    if (char === '"' || char === "'") {
      const close = source.indexOf(char, pos + 1);
      if (close === -1) throw new ExpressionError('Unterminated string', pos, source);
      push('string', source.slice(pos + 1, close), close + 1 - pos);
      continue;
    }
    const operator = OPERATORS.find(([spelling]) => source.startsWith(spelling, pos));
    if (operator === undefined) throw new ExpressionError(`Unexpected character "${char}"`, pos, source);
    push('op', operator[1], operator[0].length);
  }
  tokens.push({ kind: 'end', text: '', pos, end: pos });
  return tokens;
}
