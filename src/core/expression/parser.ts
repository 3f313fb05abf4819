// Precedence-climbing parser for the expression language: checks syntax, function names and arity once, at load.
import type { SpecialCode } from '../definition/values.js';
import type { BinaryOperator, Expression, ExprNode, FunctionName } from './ast.js';
import { ExpressionError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Definitions are authored by people; anything beyond these limits is a mistake or an attack, not a formula. */
export const MAX_EXPRESSION_LENGTH = 10_000;
export const MAX_EXPRESSION_DEPTH = 100;

// Binding levels, lowest first. `not` and unary minus are prefix levels slotted between the infix ones.
const NOT_LEVEL = 3;
const COMPARISON_LEVEL = 4;
const NEGATION_LEVEL = 7;
const INFIX = new Map<string, number>([
  ['or', 1], ['and', 2],
  ['=', COMPARISON_LEVEL], ['!=', COMPARISON_LEVEL], ['<', COMPARISON_LEVEL],
  ['<=', COMPARISON_LEVEL], ['>', COMPARISON_LEVEL], ['>=', COMPARISON_LEVEL],
  ['+', 5], ['-', 5], ['*', 6], ['/', 6],
]);

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false']);

/** Allowed argument counts, [min, max]. */
const ARITY = new Map<string, readonly [number, number]>([
  ['ln', [1, 1]], ['min', [1, Infinity]], ['max', [1, Infinity]], ['sum', [1, Infinity]],
  ['count', [1, Infinity]], ['if', [3, 3]], ['answered', [1, 1]], ['is', [2, 2]],
]);

export function parseExpression(source: string): Expression {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      `Expression is too long (${source.length} characters, the limit is ${MAX_EXPRESSION_LENGTH})`,
      MAX_EXPRESSION_LENGTH,
      source,
    );
  }
  const parser = new Parser(source);
  return Object.freeze({ source, ast: parser.parseAll(), references: parser.references });
}

function infixLevel(token: Token): number | undefined {
  if (token.kind === 'op' || (token.kind === 'name' && (token.text === 'and' || token.text === 'or'))) {
    return INFIX.get(token.text);
  }
  return undefined;
}

class Parser {
  readonly references = new Set<string>();
  private readonly source: string;
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(source: string) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  parseAll(): ExprNode {
    const ast = this.parseInfix(1);
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.unexpected(rest);
    return ast;
  }

  /** Parses operators binding at `minLevel` or tighter; left associative because the right side starts one level up. */
  private parseInfix(minLevel: number): ExprNode {
    let left = this.parsePrefix(minLevel);
    let previousLevel = 0;
    for (;;) {
      const token = this.peek();
      const level = infixLevel(token);
      if (level === undefined || level < minLevel) return left;
      // `a < b < c` reads as a range to people but would compare a boolean with c; make the author say `and`.
      if (level === COMPARISON_LEVEL && previousLevel === COMPARISON_LEVEL) {
        throw this.error(`Comparisons cannot be chained (use "and"): unexpected "${this.raw(token)}"`, token.pos);
      }
      previousLevel = level;
      this.index++;
      const right = this.parseInfix(level + 1);
      left = { kind: 'binary', op: token.text as BinaryOperator, left, right, pos: token.pos };
    }
  }

  private parsePrefix(minLevel: number): ExprNode {
    const token = this.next();
    if (token.kind === 'name' && token.text === 'not') {
      // `not` binds looser than comparisons, so `a = not b` would silently mean something odd; require parentheses.
      if (minLevel > NOT_LEVEL) throw this.error('"not" must be wrapped in parentheses here', token.pos);
      const operand = this.nested(token, () => this.parseInfix(NOT_LEVEL));
      return { kind: 'unary', op: 'not', operand, pos: token.pos };
    }
    if (token.kind === 'op' && token.text === '-') {
      const operand = this.nested(token, () => this.parseInfix(NEGATION_LEVEL));
      return { kind: 'unary', op: '-', operand, pos: token.pos };
    }
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.nested(token, () => this.parseInfix(1));
      this.expect(')', 'Expected ")"');
      return inner;
    }
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text), pos: token.pos };
    if (token.kind === 'string') return { kind: 'string', value: token.text, pos: token.pos };
    if (token.kind === 'name' && (token.text === 'true' || token.text === 'false')) {
      return { kind: 'boolean', value: token.text === 'true', pos: token.pos };
    }
    if (token.kind === 'name' && !KEYWORDS.has(token.text)) {
      if (this.at('(')) return this.parseCall(token);
      this.references.add(token.text);
      return { kind: 'ref', id: token.text, pos: token.pos };
    }
    throw this.unexpected(token);
  }

  private parseCall(nameToken: Token): ExprNode {
    const name = nameToken.text;
    const pos = nameToken.pos;
    const arity = ARITY.get(name);
    if (arity === undefined) throw this.error(`Unknown function "${name}"`, pos);
    this.index++; // the "("
    const args: ExprNode[] = [];
    const starts: number[] = [];
    this.nested(nameToken, () => {
      if (this.at(')')) return;
      do {
        starts.push(this.peek().pos);
        args.push(this.parseInfix(1));
      } while (this.eat(','));
    });
    this.expect(')', 'Expected "," or ")"');

    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const amount = min === max ? `${min}` : `at least ${min}`;
      const noun = min === 1 ? 'argument' : 'arguments';
      throw this.error(`Function "${name}" takes ${amount} ${noun}, got ${args.length}`, pos);
    }
    if (name === 'answered' || name === 'is') {
      const item = args[0];
      if (item?.kind !== 'ref') {
        throw this.error(`Function "${name}" needs an item reference as its first argument`, starts[0] ?? pos);
      }
      if (name === 'answered') return { kind: 'answered', id: item.id, pos };
      const code = args[1];
      if (code?.kind !== 'string' || (code.value !== 'X' && code.value !== 'N')) {
        throw this.error(`Function "is" needs the code 'X' or 'N' as its second argument`, starts[1] ?? pos);
      }
      return { kind: 'is', id: item.id, code: code.value satisfies SpecialCode, pos };
    }
    return { kind: 'call', name: name as FunctionName, args, pos };
  }

  /** Counts nesting so hostile input fails with an ExpressionError rather than a stack overflow. */
  private nested<T>(opener: Token, parse: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      throw this.error(`Expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`, opener.pos);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private peek(): Token {
    // The token list always ends with an `end` token, and the parser never moves past it.
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private at(op: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === op;
  }

  private eat(op: string): boolean {
    if (!this.at(op)) return false;
    this.index++;
    return true;
  }

  private expect(op: string, reason: string): void {
    const token = this.peek();
    if (this.eat(op)) return;
    throw this.error(token.kind === 'end' ? reason : `${reason}, found "${this.raw(token)}"`, token.pos);
  }

  private unexpected(token: Token): ExpressionError {
    if (token.kind === 'end') return this.error('Expected an expression', token.pos);
    return this.error(`Unexpected "${this.raw(token)}"`, token.pos);
  }

  private raw(token: Token): string {
    return this.source.slice(token.pos, token.end);
  }

  private error(reason: string, position: number): ExpressionError {
    return new ExpressionError(reason, position, this.source);
  }
}
