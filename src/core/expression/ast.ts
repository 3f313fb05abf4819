// The expression AST: plain, immutable objects produced by the parser and walked by the evaluator.
import type { SpecialCode } from '../definition/values.js';

/** The result of evaluating an expression; `null` means unknown (a blank answer, or an undefined result). */
export type Value = number | string | boolean | null;

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** Operators are stored in one canonical spelling (`==` → `=`, `<>` → `!=`, `−` → `-`, `×` → `*`, `÷` → `/`). */
export type BinaryOperator = 'or' | 'and' | ComparisonOperator | '+' | '-' | '*' | '/';
export type UnaryOperator = 'not' | '-';
/** Functions with ordinary (evaluated) arguments; `answered` and `is` get their own nodes because they inspect raw answers. */
export type FunctionName = 'ln' | 'min' | 'max' | 'sum' | 'count' | 'if';

// `pos` is the 0-based position of the token that defines the node (literal, name, or operator), for later diagnostics.
export type ExprNode =
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly pos: number }
  | { readonly kind: 'ref'; readonly id: string; readonly pos: number }
  | { readonly kind: 'unary'; readonly op: UnaryOperator; readonly operand: ExprNode; readonly pos: number }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOperator;
      readonly left: ExprNode;
      readonly right: ExprNode;
      readonly pos: number;
    }
  | { readonly kind: 'call'; readonly name: FunctionName; readonly args: readonly ExprNode[]; readonly pos: number }
  | { readonly kind: 'answered'; readonly id: string; readonly pos: number }
  | { readonly kind: 'is'; readonly id: string; readonly code: SpecialCode; readonly pos: number };

/** A parsed expression: parse once at load, evaluate many times. */
export interface Expression {
  readonly source: string;
  readonly ast: ExprNode;
  /** Every item id the expression mentions, so callers can find dependencies without walking the AST. */
  readonly references: ReadonlySet<string>;
}
