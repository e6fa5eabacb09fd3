import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

const leaf = (v: number | number[][], name?: string) => {
  const x = t.tensor(v, { requiresGrad: true, dtype: 'float64' });
  if (name) x.name = name;
  return x;
};
const value = async (x: t.Tensor | null | undefined) => (await x!.data<Float64Array>())[0];

describe('recordedGraph and traceBackward', () => {
  it('walks the apples graph and records every step of backward (715; 2.2, 110, 3.3, 165, 650)', async () => {
    const [apple, apples, orange, oranges, tax] = [
      leaf(100, 'apple'),
      leaf(2, 'apples'),
      leaf(150, 'orange'),
      leaf(3, 'oranges'),
      leaf(1.1, 'tax'),
    ];
    const price = apple.mul(apples).add(orange.mul(oranges)).mul(tax);
    expect(t.recordedGraph(price).nodes.map((n) => n.op)).toEqual([null, null, 'mul', null, null, 'mul', 'add', null, 'mul']);
    const trace = t.traceBackward(price);
    const graph = trace.graph;
    expect(graph.nodes.map((n) => n.op ?? n.tensor.name)).toEqual([
      'apple',
      'apples',
      'mul',
      'orange',
      'oranges',
      'mul',
      'add',
      'tax',
      'mul',
    ]);
    expect(graph.root.tensor).toBe(price);
    expect(graph.nodes.every((n) => n.inputs.every((i) => i < n.id))).toBe(true);
    expect(graph.root.inputs).toEqual([6, 7]);
    // Backward starts at the root with gradient 1 and visits each tensor once.
    expect(trace.steps[0].node).toBe(graph.nodes[8]);
    expect(await value(trace.steps[0].grad)).toBe(1);
    expect(new Set(trace.steps.map((s) => s.node.id)).size).toBe(9);
    // The last mul swaps its inputs: d(total) = tax, d(tax) = total.
    expect(await value(trace.steps[0].inputGrads[0])).toBeCloseTo(1.1, 12);
    expect(await value(trace.steps[0].inputGrads[1])).toBe(650);
    // add passes its gradient through to both inputs.
    const add = trace.stepOf(graph.nodes[6])!;
    expect(await value(add.inputGrads[0])).toBeCloseTo(1.1, 12);
    expect(await value(add.inputGrads[1])).toBeCloseTo(1.1, 12);
    const expected: Record<string, number> = { apple: 2.2, apples: 110, orange: 3.3, oranges: 165, tax: 650 };
    for (const [name, g] of Object.entries(expected)) {
      const node = graph.nodes.find((n) => n.tensor.name === name)!;
      expect(await value(trace.stepOf(node)!.grad)).toBeCloseTo(g, 10);
      expect(await value(node.tensor.grad)).toBeCloseTo(g, 10); // the real backward filled .grad as usual
    }
    trace.dispose();
  });

  it('lists constants (numbers in ops) without a step, and a tensor used twice once, with its summed gradient', async () => {
    const x = leaf(3, 'x');
    const y = x.mul(x).add(2);
    const trace = t.traceBackward(y);
    const graph = trace.graph;
    expect(graph.nodes.map((n) => n.op)).toEqual([null, 'mul', null, 'add']);
    expect(graph.nodes[1].inputs).toEqual([0, 0]);
    const constant = graph.nodes[2];
    expect(constant.requiresGrad).toBe(false);
    expect(await value(constant.tensor)).toBe(2);
    expect(trace.stepOf(constant)).toBeUndefined();
    expect(trace.stepOf(graph.nodes[3])!.inputGrads[1]).toBeNull(); // no gradient is computed for the constant
    const mul = trace.stepOf(graph.nodes[1])!;
    expect(await value(mul.inputGrads[0])).toBe(3);
    expect(await value(mul.inputGrads[1])).toBe(3);
    expect(await value(trace.stepOf(graph.nodes[0])!.grad)).toBe(6);
    trace.dispose();
  });

  it("records matmul's backward as dX = dY·Wᵀ and dW = Xᵀ·dY", async () => {
    const x = leaf([[1, 2]], 'x');
    const w = leaf(
      [
        [1, 0, -1],
        [2, 1, 0],
      ],
      'W',
    );
    const y = x.matmul(w);
    const trace = t.traceBackward(y, t.tensor([[1, 2, 3]], { dtype: 'float64' }));
    const step = trace.stepOf(trace.graph.root)!;
    expect(trace.graph.root.op).toBe('matmul');
    expect(await step.inputGrads[0]!.toArray()).toEqual([[-2, 4]]);
    expect(await step.inputGrads[1]!.toArray()).toEqual([
      [1, 2, 3],
      [2, 4, 6],
    ]);
    trace.dispose();
  });

  it('frees its gradient copies on dispose, and keeps the graph walkable until then', () => {
    const before = t.memory().tensors;
    t.tidy(() => {
      const a = leaf(2);
      const y = a.sigmoid().mul(a);
      const trace = t.traceBackward(y);
      expect(t.recordedGraph(y).nodes.map((n) => n.op)).toEqual([null, 'sigmoid', 'mul']); // retained graph
      const held = t.memory().tensors;
      trace.dispose();
      expect(t.memory().tensors).toBe(held - 2 - 2 - 1 - 1); // mul: grad + 2 input grads; sigmoid: grad + 1; a: grad
      a.grad = null;
    });
    expect(t.memory().tensors).toBe(before);
  });
});
