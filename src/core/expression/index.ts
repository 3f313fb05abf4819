// Public entry point of the expression language used by instrument definitions (conditions, rules, score formulas).
export type { BinaryOperator, ComparisonOperator, Expression, ExprNode, FunctionName, UnaryOperator, Value } from './ast.js';
export { ExpressionError, describePosition } from './errors.js';
export { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, parseExpression } from './parser.js';
export { evaluate, evaluateCondition, evaluateNumber } from './evaluate.js';
