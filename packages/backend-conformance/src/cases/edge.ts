import * as t from '@tensile/core';

export interface EdgeCase {
  name: string;
  run(): Promise<void>;
}

async function values(x: t.Tensor): Promise<number[]> {
  const v = Array.from((await x.data<t.DataArray>()) as ArrayLike<number>);
  x.dispose();
  return v;
}

function expectValues(label: string, got: number[], expected: number[]): void {
  const same = got.length === expected.length && got.every((g, i) => Object.is(g, expected[i]) || g === expected[i]);
  if (!same) throw new Error(`${label}: got [${got}], expected [${expected}]`);
}

function expectShape(label: string, x: t.Tensor, shape: number[]): void {
  if (x.shape.join(',') !== shape.join(',')) throw new Error(`${label}: shape [${x.shape}], expected [${shape}]`);
}

export const edgeCases: EdgeCase[] = [
  {
    name: 'size-0 dims flow through every kind of op',
    run: async () => {
      const e = t.zeros([0, 3]);
      const sum = e.add(1).mul(2);
      expectShape('add on [0,3]', sum, [0, 3]);
      expectValues('sum over an empty axis', await values(e.sum(0)), [0, 0, 0]);
      expectValues('prod over an empty axis', await values(e.prod(0)), [1, 1, 1]);
      const mm = t.zeros([2, 0]).matmul(t.zeros([0, 3]));
      expectValues('matmul with k = 0', await values(mm), [0, 0, 0, 0, 0, 0]);
      expectShape('transpose of [0,3]', e.T, [3, 0]);
      expectShape('concat with an empty part', t.concat([e, t.ones([2, 3])], 0), [2, 3]);
      expectValues('read of an empty tensor', await values(e), []);
    },
  },
  {
    name: 'size-1 dims broadcast both ways',
    run: async () => {
      const a = t.tensor([[1], [2]]);
      const b = t.tensor([[10, 20, 30]]);
      expectValues('[2,1] + [1,3]', await values(a.add(b)), [11, 21, 31, 12, 22, 32]);
      expectValues('0-d + [2,1]', await values(t.tensor(5).add(a)), [6, 7]);
    },
  },
  {
    name: 'non-contiguous inputs (transposed, sliced, flipped) into ops',
    run: async () => {
      const x = t.tensor([[1, 2, 3], [4, 5, 6]]);
      expectValues('transpose then add', await values(x.T.add(t.tensor([[0, 10], [0, 10], [0, 10]]))), [1, 14, 2, 15, 3, 16]);
      expectValues('slice then matmul', await values(x.slice([null, [1, 3]]).matmul(t.tensor([[1], [1]]))), [5, 11]);
      expectValues('flip then sum', await values(x.flip(1).slice([null, [0, 1]]).sum()), [9]);
    },
  },
  {
    name: 'large and negative values stay finite where the math is finite',
    run: async () => {
      const x = t.tensor([-1000, -100, 0, 100, 1000]);
      expectValues('sigmoid saturates', await values(x.sigmoid()), [0, Math.fround(1 / (1 + Math.exp(100))), 0.5, 1, 1]);
      expectValues('tanh saturates', await values(x.tanh()), [-1, -1, 0, 1, 1]);
      const sm = await values(t.tensor([[1000, 0], [-1000, 1000]]).softmax(1));
      expectValues('softmax of large logits', sm, [1, 0, 0, 1]);
      const lse = await values(t.tensor([1000, 1000]).logsumexp(0));
      if (Math.abs(lse[0] - (1000 + Math.log(2))) > 1e-3) throw new Error(`logsumexp overflowed: ${lse[0]}`);
      expectValues('exp overflows to Infinity', await values(t.tensor([1000]).exp()), [Infinity]);
      expectValues('log(0) is -Infinity', await values(t.tensor([0]).log()), [-Infinity]);
    },
  },
  {
    name: 'NaN and Infinity propagate',
    run: async () => {
      const x = t.tensor([NaN, 1, Infinity, -Infinity]);
      const nan = (v: number[]) => v.map((z) => (Number.isNaN(z) ? 'NaN' : z));
      expectValues('add', nan(await values(x.add(1))) as number[], ['NaN', 2, Infinity, -Infinity] as unknown as number[]);
      expectValues('relu', nan(await values(x.relu())) as number[], ['NaN', 1, Infinity, 0] as unknown as number[]);
      expectValues('max', nan(await values(x.max())) as number[], ['NaN'] as unknown as number[]);
      expectValues('min', nan(await values(x.min())) as number[], ['NaN'] as unknown as number[]);
      expectValues('maximum', nan(await values(x.maximum(0))) as number[], ['NaN', 1, Infinity, 0] as unknown as number[]);
      expectValues('sum', nan(await values(x.sum())) as number[], ['NaN'] as unknown as number[]);
      expectValues('isNaN', await values(x.isNaN()), [1, 0, 0, 0]);
      expectValues('isInf', await values(x.isInf()), [0, 0, 1, 1]);
      expectValues('inf - inf is NaN', nan(await values(t.tensor([Infinity]).sub(Infinity))) as number[], ['NaN'] as unknown as number[]);
      expectValues('0/0 is NaN', nan(await values(t.tensor([0]).div(0))) as number[], ['NaN'] as unknown as number[]);
      expectValues('clamp keeps NaN', nan(await values(x.clamp(-1, 1))) as number[], ['NaN', 1, 1, -1] as unknown as number[]);
      expectValues('sign', nan(await values(t.tensor([NaN, -2, 0, 3]).sign())) as number[], ['NaN', -1, 0, 1] as unknown as number[]);
    },
  },
];
