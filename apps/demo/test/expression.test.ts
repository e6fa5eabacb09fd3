import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateProgram } from '../src/backprop/evaluate.js';
import { ExpressionError, parseProgram, type Expr } from '../src/backprop/expression.js';
import { buildViewModel, formatNumber } from '../src/backprop/model.js';

beforeAll(async () => {
  await t.setBackend(cpu());
});

/** The expression tree as a compact string, to check precedence and associativity. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'array':
      return JSON.stringify(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return `(-${show(e.arg)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.fn}(${e.args.map(show).join(', ')})`;
  }
}

describe("the backprop page's expression language", () => {
  it('parses with the usual precedence: ** (right-associative) over unary minus, * / @ over + -', () => {
    const [s] = parseProgram('y = a + b * c @ d - -e ** 2 ** f');
    expect(s.target).toBe('y');
    expect(show(s.expr)).toBe('((a + ((b * c) @ d)) - (-(e ** (2 ** f))))');
    expect(show(parseProgram('sigmoid(x @ W + b)')[0].expr)).toBe('sigmoid(((x @ W) + b))');
  });

  it('reads statements split by newlines and semicolons, arrays across lines, and comments', () => {
    const program = parseProgram('# weights\nW = [[1, -2],\n     [3, 4.5e-1]]; b = -1\nW @ W + b  # the output');
    expect(program.map((s) => s.target)).toEqual(['W', 'b', null]);
    expect(show(program[0].expr)).toBe('[[1,-2],[3,0.45]]');
    expect(show(program[1].expr)).toBe('-1');
  });

  it('names the line and column of a mistake, and knows only its own functions', () => {
    const error = (source: string) => {
      try {
        parseProgram(source);
      } catch (e) {
        expect(e).toBeInstanceOf(ExpressionError);
        return (e as Error).message;
      }
      throw new Error(`parsed: ${source}`);
    };
    expect(error('x = 2\ny = (x +')).toBe("line 2, column 9: expected a number, a name, '(' or '[', found the end of the program");
    expect(error('y = eval(x)')).toMatch(/^line 1, column 5: unknown function 'eval'/);
    expect(error('y = constructor(x)')).toMatch(/unknown function 'constructor'/);
    expect(error('y = x; z = y $ 2')).toBe("line 1, column 14: unexpected character '$'");
    expect(error('W = [[1, 2], [3]]')).toBe('line 1, column 5: the rows of this array differ in shape');
    expect(error('sum(x, y)')).toBe('line 1, column 1: sum takes 1 argument, got 2');
    expect(error('  ')).toMatch(/the program is empty/);
  });

  it('evaluates with Tensile and traces backward: the apples figures, a constant without a gradient, and mistakes from Tensile itself', async () => {
    const before = t.memory().tensors;
    const run = evaluateProgram(
      parseProgram('apple = 100; apples = 2; orange = 150; oranges = 3; tax = 1.1\nprice = (apple * apples + orange * oranges) * tax'),
    );
    const trace = t.traceBackward(run.output);
    const view = await buildViewModel(trace);
    const byName = Object.fromEntries(view.nodes.filter((n) => n.name).map((n) => [n.name, n]));
    expect(formatNumber(byName.price.scalar!)).toBe('715');
    const grads = Object.fromEntries(['apple', 'apples', 'orange', 'oranges', 'tax'].map((n) => [n, view.steps[byName[n].step!].grad[0]]));
    expect(grads).toEqual({ apple: '2.2', apples: '110', orange: '3.3', oranges: '165', tax: '650' });
    expect(view.steps[0].node).toBe(view.output);
    trace.dispose();
    run.dispose();
    expect(t.memory().tensors).toBe(before); // the graph, its leaves' grads and the trace's copies are all freed

    const constant = evaluateProgram(parseProgram('x = 3\ny = x * 2'));
    const traced = t.traceBackward(constant.output);
    const model = await buildViewModel(traced);
    const two = model.nodes.find((n) => n.op === null && !n.requiresGrad)!;
    expect(two.value).toEqual(['2']);
    expect(two.step).toBeNull();
    traced.dispose();
    constant.dispose();

    // Where a NaN first appears: log(0) = −∞ is made from finite inputs; −∞ · 0 = NaN only inherits it.
    const nan = evaluateProgram(parseProgram('x = 0\ny = log(x) * x'));
    const nanTrace = t.traceBackward(nan.output);
    const nanView = await buildViewModel(nanTrace);
    expect(nanView.nodes.filter((n) => n.firstNonFinite).map((n) => n.op)).toEqual(['log']);
    expect(nanView.nodes.find((n) => n.op === 'mul')!.value).toEqual(['NaN']);
    nanTrace.dispose();
    nan.dispose();

    expect(() => evaluateProgram(parseProgram('A = [[1, 2]]\nB = [[1, 2]]\nA @ B'))).toThrow(/matmul/);
    expect(() => evaluateProgram(parseProgram('y = 2 * 3'))).toThrow(/must depend on a named number or array/);
    expect(() => evaluateProgram(parseProgram('y = x + 1'))).toThrow("line 1, column 5: 'x' is not defined yet");
    expect(t.memory().tensors).toBe(before); // failed programs leave nothing behind
  });
});
