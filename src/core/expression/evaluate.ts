// Evaluator for parsed expressions: three-valued (null = unknown) so blank answers propagate instead of guessing.
import { isAnswered, type AnswerLookup } from '../definition/values.js';
import type { Expression, ExprNode, Value } from './ast.js';

export function evaluate(expr: Expression, lookup: AnswerLookup): Value {
  return evaluateNode(expr.ast, lookup);
}

/** For `when` and validation rules: a truth value, or null when the answer is not known yet. */
export function evaluateCondition(expr: Expression, lookup: AnswerLookup): boolean | null {
  return truth(evaluate(expr, lookup));
}

/** For score formulas: a finite number, or null when the score cannot be computed. */
export function evaluateNumber(expr: Expression, lookup: AnswerLookup): number | null {
  return finite(evaluate(expr, lookup));
}

function finite(value: Value): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Strings (including the codes X and N) have no truth value, so they are unknown rather than silently true. */
function truth(value: Value): boolean | null {
  if (typeof value === 'boolean') return value;
  const number = finite(value);
  return number === null ? null : number !== 0;
}

/** Applies `op` only when every operand is a finite number, and only keeps finite results. */
function numeric(values: readonly Value[], op: (numbers: number[]) => number): number | null {
  const numbers: number[] = [];
  for (const value of values) {
    const number = finite(value);
    if (number === null) return null;
    numbers.push(number);
  }
  return finite(op(numbers));
}

function evaluateNode(node: ExprNode, lookup: AnswerLookup): Value {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return node.value;
    case 'ref':
      return lookup(node.id) ?? null;
    case 'answered':
      return isAnswered(lookup(node.id));
    case 'is':
      return lookup(node.id) === node.code;
    case 'unary': {
      const operand = evaluateNode(node.operand, lookup);
      if (node.op === '-') return numeric([operand], ([x]) => -x!);
      const value = truth(operand);
      return value === null ? null : !value;
    }
    case 'binary':
      return evaluateBinary(node, lookup);
    case 'call':
      return evaluateCall(node, lookup);
  }
}

type BinaryNode = Extract<ExprNode, { kind: 'binary' }>;

function evaluateBinary(node: BinaryNode, lookup: AnswerLookup): Value {
  // Left-associative chains (`a + b + c + ...`) nest down the left side; walking that spine with a loop instead of
  // recursion keeps a 10,000-character sum from overflowing the stack.
  const spine: BinaryNode[] = [];
  let bottom: ExprNode = node;
  while (bottom.kind === 'binary') {
    spine.push(bottom);
    bottom = bottom.left;
  }
  let value = evaluateNode(bottom, lookup);
  for (let i = spine.length - 1; i >= 0; i--) value = applyBinary(spine[i]!, value, lookup);
  return value;
}

function applyBinary(node: BinaryNode, left: Value, lookup: AnswerLookup): Value {
  // Kleene logic: a decisive side settles the result even when the other side is unknown.
  if (node.op === 'and' || node.op === 'or') {
    const decisive = node.op === 'or';
    const known = truth(left);
    if (known === decisive) return decisive;
    const right = truth(evaluateNode(node.right, lookup));
    if (right === decisive) return decisive;
    return known === null || right === null ? null : !decisive;
  }
  const right = evaluateNode(node.right, lookup);
  switch (node.op) {
    case '=':
    case '!=': {
      if (left === null || right === null) return null;
      // Different types are simply unequal, so `M1 = 0` is false (not unknown) when M1 holds the code X.
      const equal = typeof left === typeof right && left === right;
      return node.op === '=' ? equal : !equal;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const a = finite(left);
      const b = finite(right);
      if (a === null || b === null) return null;
      if (node.op === '<') return a < b;
      if (node.op === '<=') return a <= b;
      return node.op === '>' ? a > b : a >= b;
    }
    case '+':
      return numeric([left, right], ([a, b]) => a! + b!);
    case '-':
      return numeric([left, right], ([a, b]) => a! - b!);
    case '*':
      return numeric([left, right], ([a, b]) => a! * b!);
    case '/':
      return numeric([left, right], ([a, b]) => (b === 0 ? NaN : a! / b!));
  }
}

function evaluateCall(node: Extract<ExprNode, { kind: 'call' }>, lookup: AnswerLookup): Value {
  if (node.name === 'if') {
    const [condition, then, otherwise] = node.args;
    const chosen = truth(evaluateNode(condition!, lookup));
    if (chosen === null) return null;
    return evaluateNode((chosen ? then : otherwise)!, lookup);
  }
  const values = node.args.map((arg) => evaluateNode(arg, lookup));
  switch (node.name) {
    case 'ln':
      return numeric(values, ([x]) => (x! > 0 ? Math.log(x!) : NaN));
    case 'min':
      return numeric(values, (xs) => Math.min(...xs));
    case 'max':
      return numeric(values, (xs) => Math.max(...xs));
    case 'sum':
      return numeric(values, (xs) => xs.reduce((total, x) => total + x, 0));
    case 'count':
      return values.filter((value) => truth(value) === true).length;
  }
}
