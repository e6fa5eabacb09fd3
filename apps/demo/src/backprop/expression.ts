/**
 * A small, safe expression language for the backpropagation page, parsed by
 * hand (recursive descent; nothing is ever passed to eval or Function):
 *
 *   apple = 100                 a named number or array: a leaf that requires grad
 *   W = [[0.1, 0.4], [-0.2, 0.3]]
 *   h = sigmoid(x @ W + b)      + - * / ** elementwise (broadcasting), @ matmul
 *   loss = mean(square(h - t))  the last line is the output backward starts from
 *
 * Functions: see FUNCTIONS. Lines are separated by newlines or ';'; '#' starts a comment.
 */

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'array'; value: NestedNumbers; pos: Pos }
  | { kind: 'name'; name: string; pos: Pos }
  | { kind: 'unary'; op: '-'; arg: Expr; pos: Pos }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr; pos: Pos }
  | { kind: 'call'; fn: FunctionName; args: Expr[]; pos: Pos };

export type NestedNumbers = number | NestedNumbers[];
export type BinaryOperator = '+' | '-' | '*' | '/' | '**' | '@';

export interface Statement {
  /** The name assigned, or null for a bare expression. */
  target: string | null;
  expr: Expr;
  line: number;
}

/** Line and column (1-based) of a token, for error messages. */
export interface Pos {
  line: number;
  column: number;
}

/** The functions an expression may call, with how many arguments each takes. */
export const FUNCTIONS = {
  sigmoid: 1,
  relu: 1,
  tanh: 1,
  exp: 1,
  log: 1,
  square: 1,
  sqrt: 1,
  abs: 1,
  sin: 1,
  cos: 1,
  sum: 1,
  mean: 1,
  transpose: 1,
  matmul: 2,
  maximum: 2,
  minimum: 2,
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

/** Own keys only: 'constructor' or 'toString' are not functions of the language. */
const isFunction = (name: string): name is FunctionName => Object.hasOwn(FUNCTIONS, name);

/** A mistake in the typed program, with where it is. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(`line ${pos.line}, column ${pos.column}: ${message}`);
    this.name = 'ExpressionError';
  }
}

/** Longest program accepted: the page is a teaching view, not a compiler. */
export const MAX_SOURCE = 4000;

type Token =
  | { kind: 'number'; value: number; pos: Pos }
  | { kind: 'name'; value: string; pos: Pos }
  | { kind: 'op'; value: string; pos: Pos }
  | { kind: 'end-of-statement'; pos: Pos }
  | { kind: 'end'; pos: Pos };

const OPERATORS = ['**', '+', '-', '*', '/', '@', '(', ')', '[', ']', ',', '='];

function tokenize(source: string): Token[] {
  if (source.length > MAX_SOURCE)
    throw new ExpressionError(`the program is ${source.length} characters long; at most ${MAX_SOURCE} are accepted`, {
      line: 1,
      column: 1,
    });
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  let depth = 0; // inside brackets, newlines do not end a statement (arrays may span lines)
  while (i < source.length) {
    const c = source[i];
    const pos = { line, column: i - lineStart + 1 };
    if (c === '\n' || c === ';') {
      if (depth === 0 || c === ';') tokens.push({ kind: 'end-of-statement', pos });
      i++;
      if (c === '\n') {
        line++;
        lineStart = i;
      }
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
      if (!m) throw new ExpressionError(`'${c}' does not start a number`, pos);
      tokens.push({ kind: 'number', value: Number(m[0]), pos });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'name', value: m[0], pos });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new ExpressionError(`unexpected character '${c}'`, pos);
      if (op === '(' || op === '[') depth++;
      if (op === ')' || op === ']') depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'op', value: op, pos });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', pos: { line, column: i - lineStart + 1 } });
  return tokens;
}

/** Parses a program into statements; throws ExpressionError naming the line and column at fault. */
export function parseProgram(source: string): Statement[] {
  const tokens = tokenize(source);
  let k = 0;
  const peek = () => tokens[k];
  const isOp = (value: string) => peek().kind === 'op' && (peek() as { value: string }).value === value;
  const expectOp = (value: string, what: string) => {
    if (!isOp(value)) throw new ExpressionError(`expected '${value}' ${what}, found ${describe(peek())}`, peek().pos);
    k++;
  };

  const statements: Statement[] = [];
  while (peek().kind !== 'end') {
    if (peek().kind === 'end-of-statement') {
      k++;
      continue;
    }
    const start = peek();
    let target: string | null = null;
    if (start.kind === 'name' && tokens[k + 1].kind === 'op' && (tokens[k + 1] as { value: string }).value === '=') {
      if (isFunction(start.value)) throw new ExpressionError(`'${start.value}' is a function and cannot be assigned`, start.pos);
      target = start.value;
      k += 2;
    }
    const expr = parseExpression();
    if (peek().kind !== 'end-of-statement' && peek().kind !== 'end') {
      throw new ExpressionError(`expected the end of the line, found ${describe(peek())}`, peek().pos);
    }
    statements.push({ target, expr, line: start.pos.line });
  }
  if (statements.length === 0)
    throw new ExpressionError('the program is empty: type an expression such as  x = 2; y = x * x + 1', { line: 1, column: 1 });
  return statements;

  function parseExpression(): Expr {
    let left = parseTerm();
    while (isOp('+') || isOp('-')) {
      const t = tokens[k++];
      left = { kind: 'binary', op: (t as { value: BinaryOperator }).value, left, right: parseTerm(), pos: t.pos };
    }
    return left;
  }

  function parseTerm(): Expr {
    let left = parseUnary();
    while (isOp('*') || isOp('/') || isOp('@')) {
      const t = tokens[k++];
      left = { kind: 'binary', op: (t as { value: BinaryOperator }).value, left, right: parseUnary(), pos: t.pos };
    }
    return left;
  }

  function parseUnary(): Expr {
    if (isOp('-')) {
      const t = tokens[k++];
      const arg = parseUnary();
      return arg.kind === 'number' ? { kind: 'number', value: -arg.value } : { kind: 'unary', op: '-', arg, pos: t.pos };
    }
    return parsePower();
  }

  function parsePower(): Expr {
    const base = parsePrimary();
    if (isOp('**')) {
      const t = tokens[k++];
      return { kind: 'binary', op: '**', left: base, right: parseUnary(), pos: t.pos }; // right-associative, as in Python
    }
    return base;
  }

  function parsePrimary(): Expr {
    const t = peek();
    if (t.kind === 'number') {
      k++;
      return { kind: 'number', value: t.value };
    }
    if (t.kind === 'name') {
      k++;
      if (isOp('(')) {
        if (!isFunction(t.value))
          throw new ExpressionError(`unknown function '${t.value}' (known: ${Object.keys(FUNCTIONS).join(', ')})`, t.pos);
        const fn = t.value;
        k++;
        const args: Expr[] = [];
        if (!isOp(')')) {
          args.push(parseExpression());
          while (isOp(',')) {
            k++;
            args.push(parseExpression());
          }
        }
        expectOp(')', `to close ${fn}(`);
        if (args.length !== FUNCTIONS[fn])
          throw new ExpressionError(`${fn} takes ${FUNCTIONS[fn]} argument${FUNCTIONS[fn] > 1 ? 's' : ''}, got ${args.length}`, t.pos);
        return { kind: 'call', fn, args, pos: t.pos };
      }
      return { kind: 'name', name: t.value, pos: t.pos };
    }
    if (isOp('(')) {
      k++;
      const inner = parseExpression();
      expectOp(')', 'to close (');
      return inner;
    }
    if (isOp('[')) return { kind: 'array', value: parseArray(), pos: t.pos };
    throw new ExpressionError(`expected a number, a name, '(' or '[', found ${describe(t)}`, t.pos);
  }

  /** A literal array of numbers (nested for matrices); rows must agree in length. */
  function parseArray(): NestedNumbers[] {
    const open = peek();
    expectOp('[', 'to start an array');
    const items: NestedNumbers[] = [];
    while (!isOp(']')) {
      if (isOp('[')) {
        items.push(parseArray());
      } else {
        const negative = isOp('-');
        if (negative) k++;
        const n = peek();
        if (n.kind !== 'number') throw new ExpressionError(`arrays hold numbers only, found ${describe(n)}`, n.pos);
        k++;
        items.push(negative ? -n.value : n.value);
      }
      if (!isOp(',')) break;
      k++;
    }
    expectOp(']', 'to close the array');
    if (items.length === 0) throw new ExpressionError('an array needs at least one number', open.pos);
    const nested = items.map((x) => Array.isArray(x));
    if (nested.some((x) => x !== nested[0])) throw new ExpressionError('an array mixes numbers and rows', open.pos);
    if (nested[0]) {
      const lengths = items.map((row) => JSON.stringify(shapeOf(row)));
      if (lengths.some((l) => l !== lengths[0])) throw new ExpressionError('the rows of this array differ in shape', open.pos);
    }
    return items;
  }
}

/** The shape of a nested number array ([] for a number). */
export function shapeOf(value: NestedNumbers): number[] {
  return Array.isArray(value) ? [value.length, ...shapeOf(value[0])] : [];
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'number':
      return `the number ${t.value}`;
    case 'name':
      return `'${t.value}'`;
    case 'op':
      return `'${t.value}'`;
    case 'end-of-statement':
      return 'the end of the line';
    case 'end':
      return 'the end of the program';
  }
}
