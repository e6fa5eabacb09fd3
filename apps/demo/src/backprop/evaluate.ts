import * as t from '@tensile/core';
import { ExpressionError, shapeOf, type Expr, type FunctionName, type Pos, type Statement } from './expression.js';

/** Largest tensor a program may make: the page prints every value. */
export const MAX_ELEMENTS = 64;
/** Most ops a program may record: the graph must stay readable. */
export const MAX_OPS = 60;

/** A program run through Tensile: the output, its recorded graph kept alive until `dispose()`. */
export interface Evaluation {
  output: t.Tensor;
  /** The statement of the output (the last line), for the page's caption. */
  outputName: string | null;
  dispose(): void;
}

type Value = t.Tensor | number;

/**
 * Runs the statements with Tensile's ops in float64 (exact enough that the
 * apples example reads 715 and 2.2). A named number or array is a leaf that
 * requires grad; numbers and arrays inside an expression are constants.
 * Every tensor an op makes is named after the line that assigned it, so the
 * graph can label it. Throws ExpressionError, or Tensile's own error
 * (ShapeError naming the op and shapes) for mismatched shapes.
 */
export function evaluateProgram(statements: Statement[]): Evaluation {
  const env = new Map<string, Value>();
  let ops = 0;
  const last = statements[statements.length - 1];

  const output = t.tidy(() => {
    let result: Value = 0;
    for (const s of statements) {
      const leafLiteral =
        s.target !== null &&
        (s.expr.kind === 'number' || s.expr.kind === 'array' || (s.expr.kind === 'unary' && s.expr.arg.kind === 'number'));
      result = leafLiteral ? makeLeaf(s) : run(s.expr);
      if (s.target !== null) {
        if (result instanceof t.Tensor && result.name === undefined) result.name = s.target;
        env.set(s.target, result);
      }
    }
    if (!(result instanceof t.Tensor) || !result.requiresGrad) {
      throw new ExpressionError(
        'the last line must depend on a named number or array (a leaf that requires grad), so there is something to differentiate',
        { line: last.line, column: 1 },
      );
    }
    return result;
  });
  return { output, outputName: last.target, dispose: () => output.dispose() };

  function makeLeaf(s: Statement): t.Tensor {
    const value =
      s.expr.kind === 'array' ? s.expr.value : s.expr.kind === 'number' ? s.expr.value : -(s.expr as { arg: { value: number } }).arg.value;
    const size = shapeOf(value).reduce((a, b) => a * b, 1);
    if (size > MAX_ELEMENTS)
      throw new ExpressionError(`${s.target} has ${size} numbers; at most ${MAX_ELEMENTS} fit on the page`, { line: s.line, column: 1 });
    const x = t.tensor(value as number[], { dtype: 'float64', requiresGrad: true });
    x.name = s.target!;
    return x;
  }

  function counted(pos: Pos, make: () => t.Tensor): t.Tensor {
    if (++ops > MAX_OPS) throw new ExpressionError(`more than ${MAX_OPS} operations: the graph would not be readable`, pos);
    const out = make();
    if (out.size > MAX_ELEMENTS)
      throw new ExpressionError(
        `this makes a tensor of shape [${out.shape.join(', ')}] (${out.size} numbers); at most ${MAX_ELEMENTS} fit on the page`,
        pos,
      );
    return out;
  }

  function run(e: Expr): Value {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'array': {
        const size = shapeOf(e.value).reduce((a, b) => a * b, 1);
        if (size > MAX_ELEMENTS)
          throw new ExpressionError(`this array has ${size} numbers; at most ${MAX_ELEMENTS} fit on the page`, e.pos);
        return t.tensor(e.value as number[], { dtype: 'float64' });
      }
      case 'name': {
        const v = env.get(e.name);
        if (v === undefined)
          throw new ExpressionError(`'${e.name}' is not defined yet (define it on an earlier line, e.g. ${e.name} = 2)`, e.pos);
        return v;
      }
      case 'unary': {
        const v = run(e.arg);
        return typeof v === 'number' ? -v : counted(e.pos, () => t.neg(v));
      }
      case 'binary':
        return binary(e.op, run(e.left), run(e.right), e.pos);
      case 'call':
        return call(e.fn, e.args.map(run), e.pos);
    }
  }

  function binary(op: string, a: Value, b: Value, pos: Pos): Value {
    if (typeof a === 'number' && typeof b === 'number') {
      // Numbers alone fold into a constant: there is nothing to differentiate.
      const folded: Record<string, number> = { '+': a + b, '-': a - b, '*': a * b, '/': a / b, '**': a ** b, '@': NaN };
      if (op === '@') throw new ExpressionError('@ multiplies matrices; both sides are numbers', pos);
      return folded[op];
    }
    switch (op) {
      case '+':
        return counted(pos, () => t.add(a, b));
      case '-':
        return counted(pos, () => t.sub(a, b));
      case '*':
        return counted(pos, () => t.mul(a, b));
      case '/':
        return counted(pos, () => t.div(a, b));
      case '**':
        return counted(pos, () => t.pow(a, b));
      default:
        return counted(pos, () => t.matmul(asTensor(a, '@', pos), asTensor(b, '@', pos)));
    }
  }

  function call(fn: FunctionName, args: Value[], pos: Pos): t.Tensor {
    if (fn === 'maximum' || fn === 'minimum') {
      if (typeof args[0] === 'number' && typeof args[1] === 'number') throw new ExpressionError(`${fn} needs a tensor argument`, pos);
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: fn is one of the typed names the parser accepts; the demo bundles all of core anyway
      return counted(pos, () => t[fn](args[0], args[1]));
    }
    if (fn === 'matmul') return counted(pos, () => t.matmul(asTensor(args[0], fn, pos), asTensor(args[1], fn, pos)));
    const x = asTensor(args[0], fn, pos);
    if (fn === 'transpose') {
      if (x.rank !== 2) throw new ExpressionError(`transpose takes a matrix; got shape [${x.shape.join(', ')}]`, pos);
      return counted(pos, () => t.transpose(x));
    }
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: fn is one of the typed names the parser accepts; the demo bundles all of core anyway
    return counted(pos, () => t[fn](x));
  }

  function asTensor(v: Value, fn: string, pos: Pos): t.Tensor {
    if (typeof v === 'number') throw new ExpressionError(`${fn} takes a tensor (a named number or an array), got the number ${v}`, pos);
    return v;
  }
}
