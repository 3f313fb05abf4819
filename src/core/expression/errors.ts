// Parse errors for the expression language, with a position so definition authors can find the mistake.

export class ExpressionError extends Error {
  /** 0-based character index into `source`. */
  readonly position: number;
  readonly source: string;

  constructor(reason: string, position: number, source: string) {
    const where = position >= source.length ? ' (end of input)' : '';
    super(`${reason} at position ${position}${where}`);
    this.name = 'ExpressionError';
    this.position = position;
    this.source = source;
  }
}

/** Two lines: the source line holding the error, and a caret under the offending character. */
export function describePosition(error: ExpressionError): string {
  const { source, position } = error;
  const lineStart = source.lastIndexOf('\n', position - 1) + 1;
  const newline = source.indexOf('\n', position);
  const line = source.slice(lineStart, newline === -1 ? source.length : newline);
  // Keep tabs in the caret line so the caret lines up however wide the terminal renders a tab.
  const pad = line.slice(0, position - lineStart).replace(/[^\t]/g, ' ');
  return `${line}\n${pad}^`;
}
