import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await t.setBackend(cpu());
});

async function anomalyOf(fn: () => void): Promise<t.AnomalyError> {
  try {
    await t.detectAnomaly(fn);
  } catch (e) {
    if (e instanceof t.AnomalyError) return e;
    throw e;
  }
  throw new Error('expected an AnomalyError');
}

describe('anomaly mode', () => {
  it('names the forward op and module that made a NaN, and that its inputs were finite', async () => {
    const err = await anomalyOf(() => {
      const x = t.tensor([0, 1]);
      t.withModuleName('model.1 (Custom)', () => x.div(x)); // 0/0
    });
    expect(err.op).toBe('div');
    expect(err.module).toBe('model.1 (Custom)');
    expect(err.backwardOf).toBeNull();
    expect(err.message).toMatch(/^anomaly: model\.1 \(Custom\)\.forward → div \(forward\) produced NaN/);
    expect(err.message).toMatch(/the inputs were finite/);
    expect(err.inputs[0]).toMatchObject({ shape: [2], min: 0, max: 1, hasNaN: false });
  });

  it('names the backward op and the forward op it belongs to', async () => {
    const x = t.tensor([0, 4], { requiresGrad: true });
    const err = await anomalyOf(() => {
      const y = t.withModuleName('model.0 (Root)', () => x.sqrt()); // forward finite: [0, 2]
      y.sum().backward(); // d sqrt / dx at 0 = Infinity
    });
    expect(err.backwardOf).toBe('sqrt');
    expect(err.module).toBe('model.0 (Root)');
    expect(err.message).toMatch(/model\.0 \(Root\)\.backward → .* \(the backward of 'sqrt'\) produced Infinity/);
  });

  it('costs nothing once turned off', () => {
    expect(t.isAnomalyDetectionEnabled()).toBe(false);
    expect(() => t.tensor([0]).div(0)).not.toThrow();
  });
});

describe('gradient flow', () => {
  it('says which parameters got no gradient and why', async () => {
    const used = t.tensor([1, 2], { requiresGrad: true });
    const detached = t.tensor([3], { requiresGrad: true });
    const underNoGrad = t.tensor([4], { requiresGrad: true });
    const readOut = t.tensor([5], { requiresGrad: true });
    const unused = t.tensor([6], { requiresGrad: true });
    const loss = await t.trackGradientFlow(async () => {
      const a = detached.mul(2).detach();
      const b = t.noGrad(() => underNoGrad.mul(2));
      const values = await readOut.mul(2).data(); // the Keras case: values leave the graph
      const c = t.tensor(Array.from(values));
      return used.sum().add(a.sum()).add(b.sum()).add(c.sum());
    });
    loss.backward();
    const report = t.gradientFlow(loss, { used, detached, underNoGrad, readOut, unused });
    const reasons = Object.fromEntries(report.map((p) => [p.name, p.reason]));
    expect(report.find((p) => p.name === 'used')!.receivedGradient).toBe(true);
    expect(reasons).toEqual({
      used: null,
      detached: 'cut by detach()',
      underNoGrad: 'cut by noGrad()',
      readOut: 'left the graph (values read out with data() and a new tensor made from them)',
      unused: 'not on the path from the loss',
    });
  });
});
