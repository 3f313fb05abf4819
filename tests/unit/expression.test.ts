// Unit tests for the expression language: syntax, precedence, three-valued semantics, ASI formulas and error positions.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnswerValue } from '../../src/core/definition/values.js';
import {
  describePosition,
  evaluate,
  evaluateCondition,
  evaluateNumber,
  ExpressionError,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  type Value,
} from '../../src/core/expression/index.js';

type Answers = Record<string, AnswerValue>;

const lookupOf =
  (answers: Answers) =>
  (id: string): AnswerValue | undefined =>
    Object.hasOwn(answers, id) ? answers[id] : undefined;

const run = (source: string, answers: Answers = {}): Value => evaluate(parseExpression(source), lookupOf(answers));

function parseError(source: string): ExpressionError {
  try {
    parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`expected "${source}" to be rejected`);
}

/** Renders the AST with explicit parentheses, to check how the parser grouped things. */
function shape(source: string): string {
  const show = (node: ReturnType<typeof parseExpression>['ast']): string => {
    switch (node.kind) {
      case 'number':
      case 'boolean':
        return String(node.value);
      case 'string':
        return `'${node.value}'`;
      case 'ref':
        return node.id;
      case 'answered':
        return `answered(${node.id})`;
      case 'is':
        return `is(${node.id}, '${node.code}')`;
      case 'unary':
        return `(${node.op === 'not' ? 'not ' : '-'}${show(node.operand)})`;
      case 'binary':
        return `(${show(node.left)} ${node.op} ${show(node.right)})`;
      case 'call':
        return `${node.name}(${node.args.map(show).join(', ')})`;
    }
  };
  return show(parseExpression(source).ast);
}

describe('precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['8 / 4 * 2', '((8 / 4) * 2)'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['-2 * 3', '((-2) * 3)'],
    ['2 * -3', '(2 * (-3))'],
    ['- -2', '(-(-2))'],
    ['-a + b', '((-a) + b)'],
    ['a + b = c * d', '((a + b) = (c * d))'],
    ['a = 1 and b = 2 or c = 3', '(((a = 1) and (b = 2)) or (c = 3))'],
    ['a or b and c', '(a or (b and c))'],
    ['a and b and c', '((a and b) and c)'],
    ['a or b or c', '((a or b) or c)'],
    ['not a = 1', '(not (a = 1))'],
    ['not a and b', '((not a) and b)'],
    ['not a or not b', '((not a) or (not b))'],
    ['not not a', '(not (not a))'],
    ['not a + 1 > 2', '(not ((a + 1) > 2))'],
    ['(a < b) < c', '((a < b) < c)'],
    ['a == 1', '(a = 1)'],
    ['a <> 1', '(a != 1)'],
    ['a \u2212 b \u00d7 c \u00f7 d', '(a - ((b * c) / d))'],
    ['if(a, b + 1, -c)', 'if(a, (b + 1), (-c))'],
    ['min(a, b) * 2', '(min(a, b) * 2)'],
    ['  a\t+\n b  ', '(a + b)'],
    ['M6', 'M6'],
    ['D1_30', 'D1_30'],
    ['_x9', '_x9'],
    ['"female"', "'female'"],
    ["'it\"s'", "'it\"s'"],
    ['true and false', '(true and false)'],
  ])('%s  ->  %s', (source, expected) => {
    expect(shape(source)).toBe(expected);
  });
});

describe('arithmetic', () => {
  it.each<[string, Answers, Value]>([
    ['1 + 2', {}, 3],
    ['7 - 10', {}, -3],
    ['6 * 7', {}, 42],
    ['7 / 2', {}, 3.5],
    ['0.5 * 4', {}, 2],
    ['1 + 2 * 3', {}, 7],
    ['(1 + 2) * 3', {}, 9],
    ['10 - 4 - 3', {}, 3],
    ['100 / 10 / 5', {}, 2],
    ['-3 * -2', {}, 6],
    ['6 \u2212 1', {}, 5],
    ['6 \u00d7 2', {}, 12],
    ['6 \u00f7 4', {}, 1.5],
    ['M1 + M2', { M1: 3, M2: 4 }, 7],
    ['-M1', { M1: 3 }, -3],
    // Anything that is not a finite number makes the result unknown.
    ['M1 + 1', {}, null],
    ['M1 + 1', { M1: 'X' }, null],
    ['M1 * 2', { M1: 'N' }, null],
    ['-M1', { M1: 'X' }, null],
    ['"a" + 1', {}, null],
    ['true + 1', {}, null],
    ['-true', {}, null],
    ['(1 = 1) * 3', {}, null],
    ['1 / 0', {}, null],
    ['0 / 0', {}, null],
    ['M1 / M2', { M1: 5, M2: 0 }, null],
    ['M1 - 1', { M1: Number.NaN }, null],
    ['M1 * 10', { M1: 1e308 }, null],
  ])('%s with %j = %j', (source, answers, expected) => {
    expect(run(source, answers)).toBe(expected);
  });
});

describe('comparisons', () => {
  it.each<[string, Answers, Value]>([
    ['2 = 2', {}, true],
    ['2 == 3', {}, false],
    ['2 != 3', {}, true],
    ['2 <> 2', {}, false],
    ['"a" = "a"', {}, true],
    ["'a' = \"a\"", {}, true],
    ['"a" = "A"', {}, false],
    ['"a" != "b"', {}, true],
    ['true = true', {}, true],
    ['true = false', {}, false],
    ['(1 < 2) = true', {}, true],
    ['M1 = 0', { M1: 0 }, true],
    ['S = "female"', { S: 'female' }, true],
    // Mixed types: never equal, so a special code is not equal to a number.
    ['M1 = 0', { M1: 'X' }, false],
    ['M1 != 0', { M1: 'X' }, true],
    ['M1 <> 0', { M1: 'N' }, true],
    ['M1 = "X"', { M1: 'X' }, true],
    ['M1 = "1"', { M1: 1 }, false],
    ['1 = true', {}, false],
    ['1 != true', {}, true],
    // Blank on either side is unknown.
    ['M1 = 0', {}, null],
    ['M1 != 0', {}, null],
    ['0 = M1', {}, null],
    ['M1 = M2', {}, null],
    ['1 < 2', {}, true],
    ['2 < 2', {}, false],
    ['2 <= 2', {}, true],
    ['3 <= 2', {}, false],
    ['3 > 2', {}, true],
    ['2 > 2', {}, false],
    ['2 >= 2', {}, true],
    ['1 >= 2', {}, false],
    ['-1 < 0', {}, true],
    ['1 + 1 > 1', {}, true],
    // Ordering only applies to numbers.
    ['M1 > 0', {}, null],
    ['M1 > 0', { M1: 'X' }, null],
    ['"b" > "a"', {}, null],
    ['true > false', {}, null],
    ['M1 < 5', { M1: Number.POSITIVE_INFINITY }, null],
  ])('%s with %j = %j', (source, answers, expected) => {
    expect(run(source, answers)).toBe(expected);
  });
});

describe('logic (Kleene three-valued)', () => {
  // T, F and U stand for true, false and unknown (a blank item).
  const T = 'true';
  const F = 'false';
  const U = 'B';
  it.each<[string, Value]>([
    [`${T} and ${T}`, true],
    [`${T} and ${F}`, false],
    [`${F} and ${T}`, false],
    [`${F} and ${F}`, false],
    [`${F} and ${U}`, false],
    [`${U} and ${F}`, false],
    [`${T} and ${U}`, null],
    [`${U} and ${T}`, null],
    [`${U} and ${U}`, null],
    [`${T} or ${T}`, true],
    [`${T} or ${F}`, true],
    [`${F} or ${T}`, true],
    [`${F} or ${F}`, false],
    [`${T} or ${U}`, true],
    [`${U} or ${T}`, true],
    [`${F} or ${U}`, null],
    [`${U} or ${F}`, null],
    [`${U} or ${U}`, null],
    [`not ${T}`, false],
    [`not ${F}`, true],
    [`not ${U}`, null],
    // Numbers: nonzero is true; strings (codes, text) are unknown.
    ['1 and 2', true],
    ['0 or 0', false],
    ['0 or 3', true],
    ['not 0', true],
    ['not 5', false],
    ['not "X"', null],
    ['"X" and true', null],
    ['"X" and false', false],
    ['"X" or true', true],
    ['(B = 1) or true', true],
    ['(B = 1) and false', false],
  ])('%s = %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('short-circuits only where the result is already decided', () => {
    const seen: string[] = [];
    const lookup = (id: string): AnswerValue | undefined => {
      seen.push(id);
      return undefined;
    };
    evaluate(parseExpression('false and A'), lookup);
    evaluate(parseExpression('true or B'), lookup);
    evaluate(parseExpression('C and D'), lookup);
    expect(seen).toEqual(['C', 'D']);
  });
});

describe('functions', () => {
  it.each<[string, Answers, Value]>([
    ['ln(1)', {}, 0],
    ['ln(E12)', { E12: Math.E }, 1],
    ['ln(0)', {}, null],
    ['ln(-1)', {}, null],
    ['ln(E12)', {}, null],
    ['ln(E12)', { E12: 'X' }, null],
    ['min(3)', {}, 3],
    ['min(3, 1, 2)', {}, 1],
    ['min(a, b)', { a: -1, b: 4 }, -1],
    ['min(a, b)', { a: 1 }, null],
    ['min(a, 2)', { a: 'N' }, null],
    ['max(3, 1, 2)', {}, 3],
    ['max(-1)', {}, -1],
    ['max(a, 2)', {}, null],
    ['max(true, 2)', {}, null],
    ['sum(1, 2, 3.5)', {}, 6.5],
    ['sum(a)', { a: 4 }, 4],
    ['sum(a, b, c)', { a: 1, b: 2 }, null],
    ['sum(a, 1)', { a: 'X' }, null],
    ['count(true, false, true)', {}, 2],
    ['count(a = 1, b = 1, c = 1)', { a: 1, b: 2 }, 1],
    ['count(a = 1)', {}, 0],
    ['count(1, 0, 2, "X")', {}, 2],
    ['if(true, 1, 2)', {}, 1],
    ['if(false, 1, 2)', {}, 2],
    ['if(a > 0, "yes", "no")', { a: 3 }, 'yes'],
    ['if(a > 0, "yes", "no")', { a: 0 }, 'no'],
    ['if(a > 0, "yes", "no")', {}, null],
    ['if(a, 1, 2)', { a: 'X' }, null],
    ['if(5, 1, 2)', {}, 1],
    ['if(0, 1, 2)', {}, 2],
    ['if(true, b, 2)', {}, null],
    ['answered(a)', { a: 0 }, true],
    ['answered(a)', { a: 'text' }, true],
    ['answered(a)', { a: 'X' }, false],
    ['answered(a)', { a: 'N' }, false],
    ['answered(a)', {}, false],
    ['answered((a))', { a: 1 }, true],
    ["is(a, 'X')", { a: 'X' }, true],
    ["is(a, 'N')", { a: 'N' }, true],
    ["is(a, 'N')", { a: 'X' }, false],
    ['is(a, "X")', { a: 1 }, false],
    ["is(a, 'X')", {}, false],
    ["not is(a, 'N') and a > 2", { a: 5 }, true],
  ])('%s with %j = %j', (source, answers, expected) => {
    expect(run(source, answers)).toBe(expected);
  });

  it('if() only evaluates the branch it takes', () => {
    const seen: string[] = [];
    const lookup = (id: string): AnswerValue | undefined => {
      seen.push(id);
      return id === 'C' ? 1 : 7;
    };
    expect(evaluate(parseExpression('if(C, A, B)'), lookup)).toBe(7);
    expect(seen).toEqual(['C', 'A']);
    seen.length = 0;
    expect(evaluate(parseExpression('if(U = 1, A, B)'), (id) => (seen.push(id), undefined))).toBe(null);
    expect(seen).toEqual(['U']);
  });
});

describe('evaluateCondition and evaluateNumber', () => {
  it.each<[string, Answers, boolean | null]>([
    ['a = 1', { a: 1 }, true],
    ['a = 1', { a: 2 }, false],
    ['a = 1', {}, null],
    ['a', { a: 3 }, true],
    ['a', { a: 0 }, false],
    ['a', { a: 'X' }, null],
    ['a', { a: 'yes' }, null],
    ['a', {}, null],
    ['1 / 0', {}, null],
  ])('condition %s with %j = %j', (source, answers, expected) => {
    expect(evaluateCondition(parseExpression(source), lookupOf(answers))).toBe(expected);
  });

  it.each<[string, Answers, number | null]>([
    ['a * 2', { a: 1.5 }, 3],
    ['a', { a: 0 }, 0],
    ['a', { a: 'X' }, null],
    ['a', {}, null],
    ['a', { a: Number.POSITIVE_INFINITY }, null],
    ['a', { a: Number.NaN }, null],
    ['a = 1', { a: 1 }, null],
    ['"5"', {}, null],
  ])('number %s with %j = %j', (source, answers, expected) => {
    expect(evaluateNumber(parseExpression(source), lookupOf(answers))).toBe(expected);
  });
});

describe('references', () => {
  it.each<[string, string[]]>([
    ['1 + 2', []],
    ['M6', ['M6']],
    ['M1 + M1 * M2', ['M1', 'M2']],
    ["answered(F18_30) or is(F19_30, 'N')", ['F18_30', 'F19_30']],
    ['if(a, min(b, c), count(d = 1, not e))', ['a', 'b', 'c', 'd', 'e']],
    ['"M7" = true', []],
  ])('%s references %j', (source, ids) => {
    expect([...parseExpression(source).references].sort()).toEqual(ids);
  });

  it('keeps the source on the parsed expression', () => {
    expect(parseExpression(' a + 1 ').source).toBe(' a + 1 ');
  });
});

describe('ASI-style formulas', () => {
  const family = parseExpression(
    '(if(F3 = 2, 0, if(F3 = 0, 2, 1)))/10 + F30/150 + (F32 + F34)/20 + ' +
      'if(count(answered(F18_30), answered(F19_30)) = 0, 0, ' +
      'count(F18_30 = 1, F19_30 = 1) / count(answered(F18_30), answered(F19_30)))/5',
  );

  it.each<[string, Answers, number | null]>([
    // F3=0 -> 2/10 = 0.2; F30=15 -> 15/150 = 0.1; (3+1)/20 = 0.2; one of two answered items is 1 -> (1/2)/5 = 0.1.
    // 0.2 + 0.1 + 0.2 + 0.1 = 0.6
    ['all answered', { F3: 0, F30: 15, F32: 3, F34: 1, F18_30: 1, F19_30: 0 }, 0.6],
    // F3=2 -> 0; 30/150 = 0.2; (0+2)/20 = 0.1; neither F18_30 ('X') nor F19_30 (blank) answered -> 0.
    // 0 + 0.2 + 0.1 + 0 = 0.3
    ['no relationship items', { F3: 2, F30: 30, F32: 0, F34: 2, F18_30: 'X' }, 0.3],
    // F3=1 -> 1/10 = 0.1; 0/150 = 0; (2+2)/20 = 0.2; F19_30 is 'N', so 1 answered, 1 problem -> (1/1)/5 = 0.2.
    // 0.1 + 0 + 0.2 + 0.2 = 0.5
    ['one relationship item', { F3: 1, F30: 0, F32: 2, F34: 2, F18_30: 1, F19_30: 'N' }, 0.5],
    // F3 blank -> F3 = 2 unknown -> if() unknown -> whole sum unknown.
    ['F3 blank', { F30: 15, F32: 3, F34: 1, F18_30: 1, F19_30: 0 }, null],
    // F30 is 'X' -> F30/150 unknown -> whole sum unknown.
    ['F30 is X', { F3: 0, F30: 'X', F32: 3, F34: 1, F18_30: 1, F19_30: 0 }, null],
  ])('family composite: %s', (_label, answers, expected) => {
    const score = evaluateNumber(family, lookupOf(answers));
    if (expected === null) expect(score).toBeNull();
    else expect(score).toBeCloseTo(expected, 12);
  });

  it('family composite references every item it reads', () => {
    expect([...family.references].sort()).toEqual(['F18_30', 'F19_30', 'F3', 'F30', 'F32', 'F34']);
  });

  const money = parseExpression('if(E12 > 0, ln(E12), 0)/36');
  it.each<[Answers, number | null]>([
    // ln(1000) = 3 * ln(10) = 3 * 2.302585092994046 = 6.907755278982137; / 36 = 0.19188209108283714
    [{ E12: 1000 }, 0.19188209108283714],
    // ln(e^2) = 2; 2 / 36 = 0.05555...
    [{ E12: Math.E ** 2 }, 2 / 36],
    // Not positive -> the 0 branch -> 0 / 36 = 0
    [{ E12: 0 }, 0],
    // 'X' and blank make E12 > 0 unknown, so the term is unknown.
    [{ E12: 'X' }, null],
    [{}, null],
  ])('money term with %j', (answers, expected) => {
    const score = evaluateNumber(money, lookupOf(answers));
    if (expected === null) expect(score).toBeNull();
    else expect(score).toBeCloseTo(expected, 12);
  });
});

describe('malformed input', () => {
  it.each<[string, number, string]>([
    ['', 0, 'Expected an expression at position 0 (end of input)'],
    ['   ', 3, 'Expected an expression at position 3 (end of input)'],
    ['1 +', 3, 'Expected an expression at position 3 (end of input)'],
    ['(1 + 2', 6, 'Expected ")" at position 6 (end of input)'],
    ['(1 + 2 3', 7, 'Expected ")", found "3" at position 7'],
    ['min(1, 2', 8, 'Expected "," or ")" at position 8 (end of input)'],
    ['min(1 2)', 6, 'Expected "," or ")", found "2" at position 6'],
    ['min(1,)', 6, 'Unexpected ")" at position 6'],
    ['(1 + 2))', 7, 'Unexpected ")" at position 7'],
    [')', 0, 'Unexpected ")" at position 0'],
    ['()', 1, 'Unexpected ")" at position 1'],
    ['1 2', 2, 'Unexpected "2" at position 2'],
    ['a b', 2, 'Unexpected "b" at position 2'],
    ['12abc', 2, 'Unexpected "abc" at position 2'],
    ['M1 = 1 M2', 7, 'Unexpected "M2" at position 7'],
    ['lg(10)', 0, 'Unknown function "lg" at position 0'],
    ['1 + M6(2)', 4, 'Unknown function "M6" at position 4'],
    ['if(a, 1)', 0, 'Function "if" takes 3 arguments, got 2 at position 0'],
    ['if(a, 1, 2, 3)', 0, 'Function "if" takes 3 arguments, got 4 at position 0'],
    ['2 * ln()', 4, 'Function "ln" takes 1 argument, got 0 at position 4'],
    ['ln(1, 2)', 0, 'Function "ln" takes 1 argument, got 2 at position 0'],
    ['min()', 0, 'Function "min" takes at least 1 argument, got 0 at position 0'],
    ['max()', 0, 'Function "max" takes at least 1 argument, got 0 at position 0'],
    ['sum()', 0, 'Function "sum" takes at least 1 argument, got 0 at position 0'],
    ['count()', 0, 'Function "count" takes at least 1 argument, got 0 at position 0'],
    ['answered()', 0, 'Function "answered" takes 1 argument, got 0 at position 0'],
    ['answered(a, b)', 0, 'Function "answered" takes 1 argument, got 2 at position 0'],
    ['is(a)', 0, 'Function "is" takes 2 arguments, got 1 at position 0'],
    ['answered(1)', 9, 'Function "answered" needs an item reference as its first argument at position 9'],
    ['answered(a + 1)', 9, 'Function "answered" needs an item reference as its first argument at position 9'],
    ["is('X', 'X')", 3, 'Function "is" needs an item reference as its first argument at position 3'],
    ["is(a, 'Y')", 6, `Function "is" needs the code 'X' or 'N' as its second argument at position 6`],
    ["is(a, 'x')", 6, `Function "is" needs the code 'X' or 'N' as its second argument at position 6`],
    ['is(a, 1)', 6, `Function "is" needs the code 'X' or 'N' as its second argument at position 6`],
    ['is(a, X)', 6, `Function "is" needs the code 'X' or 'N' as its second argument at position 6`],
    ['a = "open', 4, 'Unterminated string at position 4'],
    ["'it\"s", 0, 'Unterminated string at position 0'],
    ['a < b < c', 6, 'Comparisons cannot be chained (use "and"): unexpected "<" at position 6'],
    ['a = b = c', 6, 'Comparisons cannot be chained (use "and"): unexpected "=" at position 6'],
    ['1 <= a + 1 > 0', 11, 'Comparisons cannot be chained (use "and"): unexpected ">" at position 11'],
    ['a = not b', 4, '"not" must be wrapped in parentheses here at position 4'],
    ['-not a', 1, '"not" must be wrapped in parentheses here at position 1'],
    ['a @ b', 2, 'Unexpected character "@" at position 2'],
    ['a.b', 1, 'Unexpected character "." at position 1'],
    ['.5', 0, 'Unexpected character "." at position 0'],
    ['1.', 1, 'Unexpected character "." at position 1'],
    ['a[0]', 1, 'Unexpected character "[" at position 1'],
    ['a; b', 1, 'Unexpected character ";" at position 1'],
    ['a ? 1 : 2', 2, 'Unexpected character "?" at position 2'],
    ['!a', 0, 'Unexpected character "!" at position 0'],
    ['a && b', 2, 'Unexpected character "&" at position 2'],
    ['x => 1', 3, 'Unexpected ">" at position 3'],
    ['a === 1', 4, 'Unexpected "=" at position 4'],
    ['+1', 0, 'Unexpected "+" at position 0'],
    ['and', 0, 'Unexpected "and" at position 0'],
    ['a or', 4, 'Expected an expression at position 4 (end of input)'],
    ['not(', 4, 'Expected an expression at position 4 (end of input)'],
    ['true(1)', 4, 'Unexpected "(" at position 4'],
    ['NOT a', 4, 'Unexpected "a" at position 4'],
    ['1'.repeat(400), 0, 'Number is too large at position 0'],
  ])('%j fails at %i', (source, position, message) => {
    const error = parseError(source);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.name).toBe('ExpressionError');
    expect(error.position).toBe(position);
    expect(error.source).toBe(source);
    expect(error.message).toBe(message);
  });

  it('rejects sources longer than the limit', () => {
    expect(MAX_EXPRESSION_LENGTH).toBe(10_000);
    const ok = '1' + ' '.repeat(MAX_EXPRESSION_LENGTH - 1);
    expect(run(ok)).toBe(1);
    const error = parseError(ok + ' ');
    expect(error.position).toBe(MAX_EXPRESSION_LENGTH);
    expect(error.message).toMatch(/^Expression is too long \(10001 characters/);
  });

  it('rejects nesting deeper than the limit, at the opener that goes too deep', () => {
    expect(MAX_EXPRESSION_DEPTH).toBe(100);
    const nest = (depth: number): string => '('.repeat(depth) + '1' + ')'.repeat(depth);
    expect(run(nest(MAX_EXPRESSION_DEPTH))).toBe(1);
    expect(parseError(nest(MAX_EXPRESSION_DEPTH + 1)).position).toBe(MAX_EXPRESSION_DEPTH);
    expect(parseError('-'.repeat(MAX_EXPRESSION_DEPTH + 1) + '1').position).toBe(MAX_EXPRESSION_DEPTH);
    expect(parseError('not '.repeat(MAX_EXPRESSION_DEPTH + 1) + 'a').position).toBe(4 * MAX_EXPRESSION_DEPTH);
    expect(parseError('ln('.repeat(MAX_EXPRESSION_DEPTH + 1) + '1').position).toBe(3 * MAX_EXPRESSION_DEPTH);
    expect(parseError('(('.repeat(5000)).message).toMatch(/^Expression is nested too deeply/);
  });

  it('handles the longest flat chains without overflowing the stack', () => {
    const chain = '1+'.repeat(4999) + '1';
    expect(chain.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
    expect(run(chain)).toBe(5000);
    expect(run('a or '.repeat(1999) + 'true')).toBe(true);
  });

  it('describePosition puts a caret under the error', () => {
    expect(describePosition(parseError('min(1 2)'))).toBe('min(1 2)\n      ^');
    expect(describePosition(parseError('1 +'))).toBe('1 +\n   ^');
    expect(describePosition(parseError('\ta @ b'))).toBe('\ta @ b\n\t  ^');
    expect(describePosition(parseError('a = 1 and\nb @ 2'))).toBe('b @ 2\n  ^');
  });
});

describe('safety', () => {
  it('the expression sources never use eval or the Function constructor', () => {
    const dir = new URL('../../src/core/expression/', import.meta.url);
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'parser.ts', 'evaluate.ts']));
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/\beval\s*\(/);
      expect(text, file).not.toMatch(/new\s+Function\b/);
      expect(text, file).not.toMatch(/\bFunction\s*\(/);
    }
  });

  it('parsed expressions are immutable', () => {
    expect(Object.isFrozen(parseExpression('a + 1'))).toBe(true);
  });
});
