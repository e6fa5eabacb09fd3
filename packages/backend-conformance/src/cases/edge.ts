import * as t from '@tensile/core';
import { batchNormEdgeCases } from './batch-norm.js';
import { convPoolEdgeCases } from './conv-pool.js';

export interface EdgeCase {
  name: string;
  run(): Promise<void>;
}

async function values(x: t.Tensor): Promise<number[]> {
  const v = Array.from((await x.data<t.DataArray>()) as ArrayLike<number>);
  x.dispose();
  return v;
}

function expectValues(label: string, got: (number | string)[], expected: (number | string)[]): void {
  const same = got.length === expected.length && got.every((g, i) => Object.is(g, expected[i]) || g === expected[i]);
  if (!same) throw new Error(`${label}: got [${got}], expected [${expected}]`);
}

function expectShape(label: string, x: t.Tensor, shape: number[]): void {
  if (x.shape.join(',') !== shape.join(',')) throw new Error(`${label}: shape [${x.shape}], expected [${shape}]`);
}

/** NaN as the string 'NaN', so that expected values can list it. */
function nanAsString(v: number[]): (number | string)[] {
  return v.map((z) => (Number.isNaN(z) ? 'NaN' : z));
}

function expectNear(label: string, got: number[], expected: number[], tol = 1e-5): void {
  if (got.length !== expected.length || got.some((g, i) => !(Math.abs(g - expected[i]) <= tol * (1 + Math.abs(expected[i]))))) {
    throw new Error(`${label}: got [${got}], expected [${expected}]`);
  }
}

/** float32, and float64 where the backend stores it. */
function floatDTypes(): ('float32' | 'float64')[] {
  return t.getBackend().dtypes.includes('float64') ? ['float32', 'float64'] : ['float32'];
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
      const x = t.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expectValues(
        'transpose then add',
        await values(
          x.T.add(
            t.tensor([
              [0, 10],
              [0, 10],
              [0, 10],
            ]),
          ),
        ),
        [1, 14, 2, 15, 3, 16],
      );
      expectValues('slice then matmul', await values(x.slice([null, [1, 3]]).matmul(t.tensor([[1], [1]]))), [5, 11]);
      expectValues(
        'flip then sum',
        await values(
          x
            .flip(1)
            .slice([null, [0, 1]])
            .sum(),
        ),
        [9],
      );
    },
  },
  {
    name: 'large and negative values stay finite where the math is finite',
    run: async () => {
      const x = t.tensor([-1000, -100, 0, 100, 1000]);
      expectValues('sigmoid saturates', await values(x.sigmoid()), [0, Math.fround(1 / (1 + Math.exp(100))), 0.5, 1, 1]);
      expectValues('tanh saturates', await values(x.tanh()), [-1, -1, 0, 1, 1]);
      const sm = await values(
        t
          .tensor([
            [1000, 0],
            [-1000, 1000],
          ])
          .softmax(1),
      );
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
      // PyTorch 1.13: sign(NaN) is 0.
      expectValues('sign', await values(t.tensor([NaN, -2, 0, 3]).sign()), [0, -1, 0, 1]);
    },
  },
  {
    name: 'softmax and logSoftmax of rows with NaN or ±Infinity (PyTorch 1.13)',
    run: async () => {
      // One row each: NaN, +Inf, -Inf among finite values, all -Inf, two +Inf, then huge finite offsets.
      const rows = [NaN, 1, 2, Infinity, 1, 2, -Infinity, 1, 2, -Infinity, -Infinity, -Infinity, Infinity, Infinity, 0, 1e30, -1e30, 0];
      const N = 'NaN';
      for (const dtype of floatDTypes()) {
        const x = t.tensor(rows, { shape: [6, 3], dtype });
        const sm = nanAsString(await values(x.softmax(1)));
        const ls = nanAsString(await values(x.logSoftmax(1)));
        // the finite entries of row 3 are compared with a tolerance below
        expectValues(`softmax ${dtype}`, [...sm.slice(0, 7), ...sm.slice(9)], [N, N, N, N, N, N, 0, N, N, N, N, N, N, 1, 0, 0]);
        expectNear(`softmax ${dtype} row 3`, sm.slice(7, 9) as number[], [0.2689414322376251, 0.7310585975646973], 1e-6);
        expectValues(`logSoftmax ${dtype}`, [...ls.slice(0, 7), ...ls.slice(9, 15)], [N, N, N, N, N, N, -Infinity, N, N, N, N, N, N]);
        expectNear(`logSoftmax ${dtype} row 3`, ls.slice(7, 9) as number[], [-1.31326162815094, -0.31326165795326233], 1e-6);
        expectNear(`logSoftmax ${dtype} row 6`, ls.slice(15) as number[], [0, -2e30, -1e30], 1e-7);
      }
    },
  },
  {
    name: "add/sub with alpha: PyTorch's values (float, int32, bool, broadcast, a number), equal to mul then add bit for bit",
    run: async () => {
      for (const dtype of floatDTypes()) {
        const rng = new t.Rng(31);
        const a = t.randn([257], { rng, dtype });
        const b = t.randn([257], { rng, dtype });
        for (const alpha of [0.1, -3.7, 1e-3]) {
          // the fused kernel (where the backend has one) against the composition it stands for
          expectValues(`add alpha ${alpha} ${dtype}`, await values(a.add(b, { alpha })), await values(a.add(b.mul(alpha))));
          expectValues(`sub alpha ${alpha} ${dtype}`, await values(a.sub(b, { alpha })), await values(a.sub(b.mul(alpha))));
        }
        const x = t.tensor([1, -2, Infinity, NaN], { dtype });
        const y = t.tensor([0.5, Infinity, 1, 2], { dtype });
        // torch.add(x, y, alpha=2) and torch.sub(x, y, alpha=0): 0·Inf is NaN
        expectValues(`add alpha 2 ${dtype}`, nanAsString(await values(x.add(y, { alpha: 2 }))), [2, Infinity, Infinity, 'NaN']);
        expectValues(`sub alpha 0 ${dtype}`, nanAsString(await values(x.sub(y, { alpha: 0 }))), [1, 'NaN', Infinity, 'NaN']);
        expectValues(
          `broadcast ${dtype}`,
          await values(t.tensor([[1], [2]], { dtype }).add(t.tensor([1, 2], { dtype }), { alpha: -2 })),
          [-1, -3, 0, -2],
        );
        expectValues(`a number ${dtype}`, await values(t.add(t.tensor([1, 2], { dtype }), 3, { alpha: 2 })), [7, 8]);
      }
      const i = t.tensor(new Int32Array([1, 2, 2147483647]));
      expectValues('int32 alpha 3 (wraps)', await values(i.add(i, { alpha: 3 })), [4, 8, -4]);
      const [p, q] = [t.tensor([true, false, false]), t.tensor([false, true, false])];
      expectValues('bool alpha counts as true', await values(p.add(q, { alpha: 2 })), [1, 1, 0]);
      expectValues('bool alpha 0 counts as false', await values(p.add(q, { alpha: 0 })), [1, 0, 0]);
      let refused: unknown = null;
      try {
        i.add(i, { alpha: 0.5 });
      } catch (e) {
        refused = e;
      }
      if (!(refused instanceof t.DTypeError) || !/add: int32 operands take an integer alpha/.test(refused.message)) {
        throw new Error(`int32 with alpha 0.5 should be a DTypeError naming add, got ${String(refused)}`);
      }
    },
  },
  {
    name: 'clamp with min > max, pow of ±1 to NaN/±Infinity, sign of NaN and -0 (as PyTorch)',
    run: async () => {
      for (const dtype of floatDTypes()) {
        const x = t.tensor([1, 2, 3, NaN, -5], { dtype });
        expectValues(`clamp(x, 2, -1) ${dtype} is min(max(x, 2), -1)`, nanAsString(await values(x.clamp(2, -1))), [-1, -1, -1, 'NaN', -1]);
        const base = t.tensor([1, 1, 1, -1, -1, NaN, 2, 0.5, 0], { dtype });
        const exponent = t.tensor([NaN, Infinity, -Infinity, Infinity, -Infinity, 0, NaN, -Infinity, -1], { dtype });
        expectValues(`pow ${dtype}`, nanAsString(await values(base.pow(exponent))), [1, 1, 1, 1, 1, 1, 'NaN', Infinity, Infinity]);
        const signs = await values(t.tensor([NaN, -0, 0, -Infinity, Infinity, -2.5], { dtype }).sign());
        expectValues(`sign ${dtype}`, signs, [0, 0, 0, -1, 1, -1]);
        if (Object.is(signs[1], -0)) throw new Error(`sign(-0) ${dtype} is -0, PyTorch gives +0`);
      }
      const i = t.tensor(new Int32Array([1, 2, 3, -4]));
      expectValues('clamp int32 with min > max', await values(i.clamp(2, -1)), [-1, -1, -1, -1]);
      const fractional = i.clamp(0.5, 2.5);
      if (fractional.dtype !== 'float32')
        throw new Error(`clamp of int32 to fractional bounds is ${fractional.dtype}, PyTorch gives float32`);
      expectValues('clamp int32 to [0.5, 2.5]', await values(fractional), [1, 2, 2.5, 0.5]);
      expectValues('logsumexp over an empty axis', await values(t.zeros([0, 2]).logsumexp(0)), [-Infinity, -Infinity]);
      expectValues('maximum of bools (or)', await values(t.tensor([true, false]).maximum(t.tensor([false, false]))), [1, 0]);
      const [p, q] = [t.tensor([true, false, true]), t.tensor([true, true, false])];
      expectValues('bool + bool is or, bool · bool is and', [...(await values(p.add(q))), ...(await values(p.mul(q)))], [1, 1, 1, 1, 0, 0]);
      expectValues('bool // int32 promotes', await values(p.floorDivide(t.tensor(new Int32Array([2, -2, -1])))), [0, 0, -1]);
      let refused: unknown = null;
      try {
        p.sub(1);
      } catch (e) {
        refused = e;
      }
      if (!(refused instanceof t.DTypeError)) throw new Error(`bool - 1 should throw a DTypeError, as in PyTorch; got ${String(refused)}`);
    },
  },
  {
    name: 'gradients at the edges: std = 0, var with correction ≥ n, prod with zeros, ties and NaN in maximum',
    run: async () => {
      const grad = async (f: (x: t.Tensor) => t.Tensor, data: number[], shape = [data.length]) => {
        const x = t.tensor(data, { shape, requiresGrad: true });
        const y = f(x);
        y.sum().backward();
        const g = await values(x.grad!);
        t.dispose([x, y]);
        return nanAsString(g);
      };
      expectValues('std grad where std = 0', await grad((x) => x.std(1), [2, 2, 2, 1, 2, 3], [2, 3]), [0, 0, 0, -0.5, 0, 0.5]);
      expectValues('var grad, correction = n', await grad((x) => x.var(0, { correction: 3 }), [1, 2, 4]), [-Infinity, -Infinity, Infinity]);
      const above = await grad((x) => x.var(0, { correction: 4 }), [1, 2, 4]);
      expectNear('var grad, correction > n (2(x - mean)/(n - correction))', above as number[], [8 / 3, 2 / 3, -10 / 3]);
      expectValues('std grad, correction = n (0·inf)', await grad((x) => x.std(0, { correction: 3 }), [1, 2, 4]), ['NaN', 'NaN', 'NaN']);
      expectValues('prod grad, one zero', await grad((x) => x.prod(), [1.5, 0, 2]), [0, 3, 0]);
      expectValues('prod grad, two zeros', await grad((x) => x.prod(), [1.5, 0, 2, 0]), [0, 0, 0, 0]);
      expectValues('prod grad, two zeros beside NaN', await grad((x) => x.prod(), [0, 0, NaN]), [0, 0, 0]);
      // No 0/0 even in the branch where() does not pick: anomaly mode would flag it.
      const wasDetecting = t.isAnomalyDetectionEnabled();
      t.setAnomalyDetection(true);
      try {
        expectValues(
          'prod grad through a zero, anomaly mode on',
          await grad((x) => x.prod(1), [1.5, 0, 2, 1, 2, 3], [2, 3]),
          [0, 3, 0, 6, 3, 2],
        );
        expectValues(
          'std grad where std = 0, anomaly mode on',
          await grad((x) => x.std(1), [2, 2, 2, 1, 2, 3], [2, 3]),
          [0, 0, 0, -0.5, 0, 0.5],
        );
        expectValues('pow grad at 0 ** 0 and 0 ** 2, anomaly mode on', await grad((x) => x.pow(t.tensor([0, 2])), [0, 0]), [0, 0]);
        expectValues('pow exponent grad at 0 ** 2, anomaly mode on', await grad((e) => t.tensor([0, 0]).pow(e), [2, 0]), [0, 0]);
      } finally {
        t.setAnomalyDetection(wasDetecting);
      }
      expectValues(
        'prod grad over an axis, rows with 1, 0 and 2 zeros',
        await grad((x) => x.prod(1), [1.5, 0, 2, 1, 2, 3, 0, 0, 1], [3, 3]),
        [0, 3, 0, 6, 3, 2, 0, 0, 0],
      );
      const ties = t.tensor([1, 2, NaN, 0], { requiresGrad: true });
      const other = t.tensor([1, 3, 0, 0], { requiresGrad: true });
      ties.maximum(other).sum().backward();
      // Ties share half each; with NaN neither side lost, so both get all of it (PyTorch).
      expectValues('maximum grad (a)', await values(ties.grad!), [0.5, 0, 1, 0.5]);
      expectValues('maximum grad (b)', await values(other.grad!), [0.5, 1, 1, 0.5]);
      t.dispose([ties, other]);
      expectValues('max grad shared by ties', await grad((x) => x.amax(1), [1, 3, 3, 2], [1, 4]), [0, 0.5, 0.5, 0]);
      // Found by a random comparison with PyTorch on special values.
      expectValues('relu grad passes at NaN, not at 0', await grad((x) => x.relu(), [NaN, 0, -1, 2]), [1, 0, 0, 1]);
      expectValues('rsqrt grad at ±0 (-½·out³)', await grad((x) => x.rsqrt(), [0, -0]), [-Infinity, Infinity]);
      expectValues('pow grad at base 0, exponent 0', await grad((x) => x.pow(0), [0, NaN]), [0, 0]);
      expectValues('prod grad, no zero but inf', await grad((x) => x.prod(), [1.5, Infinity, 2]), [Infinity, 'NaN', Infinity]);
      expectValues('prod grad, NaN row beside a row with a zero', await grad((x) => x.prod(1), [NaN, 2, 3, 0, 2, 3], [2, 3]), [
        6,
        'NaN',
        'NaN',
        6,
        0,
        0,
      ]);
      // d(a mod b)/db = -(a // b), and 2 // -inf is -1.
      expectValues(
        'mod grad w.r.t. infinite divisors',
        await grad((b) => t.tensor([2, 2, 3]).mod(b), [Infinity, -Infinity, 2]),
        [0, 1, -1],
      );
    },
  },
  {
    name: 'int32 / int32 is true division to float32; floorDivide rounds toward -Infinity',
    run: async () => {
      const a = t.tensor(new Int32Array([1, -1, 7, -7, 0]));
      const b = t.tensor(new Int32Array([2, 2, 2, -2, 5]));
      const q = a.div(b);
      if (q.dtype !== 'float32') throw new Error(`int32 / int32 is ${q.dtype}, PyTorch gives float32`);
      expectValues('int32 / int32', await values(q), [0.5, -0.5, 3.5, 3.5, 0]);
      expectValues('int32 / 2', await values(a.div(2)), [0.5, -0.5, 3.5, -3.5, 0]);
      const f = a.floorDivide(b);
      if (f.dtype !== 'int32') throw new Error(`int32 floorDivide is ${f.dtype}, expected int32`);
      expectValues('int32 floorDivide', await values(f), [0, -1, 3, 3, 0]);
      expectValues('int32 floorDivide by 0 (PyTorch raises; defined as 0)', await values(a.floorDivide(0)), [0, 0, 0, 0, 0]);
      expectValues('int32 floorDivide by a negative number', await values(a.floorDivide(-3)), [-1, 0, -3, 2, 0]);
      for (const dtype of floatDTypes()) {
        const x = t.tensor([1, -1, 7.5, 5, -5, 0, Infinity, NaN, 5.5, -5.5, 1], { dtype });
        const y = t.tensor([2, 2, -2, 0, 0, 0, 2, 2, Infinity, Infinity, 0.1], { dtype });
        const want = [0, -1, -4, Infinity, -Infinity, 'NaN', 'NaN', 'NaN', 0, -1, 9]; // 1 // 0.1 is 9, as fmod says
        expectValues(`floorDivide ${dtype}`, nanAsString(await values(x.floorDivide(y))), want);
        const zeros = await values(t.tensor([-0, 0, -0.5, 0.5, 1], { dtype }).floorDivide(t.tensor([2, -2, -2, 2, Infinity], { dtype })));
        if (!zeros.every((z, k) => Object.is(z, [-0, -0, 0, 0, 0][k])))
          throw new Error(
            `floorDivide ${dtype}: zero quotients [${zeros.map((z) => (Object.is(z, -0) ? '-0' : z))}], PyTorch gives [-0,-0,0,0,0] (the sign of a / b)`,
          );
        // a = (a // b)·b + a mod b where both are finite.
        const back = await values(
          x
            .floorDivide(y)
            .mul(y)
            .add(x.mod(y))
            .slice([[0, 3]]),
        );
        expectValues(`floorDivide·b + mod ${dtype}`, back, [1, -1, 7.5]);
      }
    },
  },
  {
    name: 'unbatched [C, H, W] input to conv2d and pools; negative pads crop',
    run: async () => {
      const x = t
        .arange(2 * 4 * 5)
        .reshape([2, 4, 5])
        .cast('float32')
        .mul(0.1);
      const w = t
        .arange(3 * 2 * 3 * 3)
        .reshape([3, 2, 3, 3])
        .cast('float32')
        .mul(0.01);
      const pairs: [string, (v: t.Tensor) => t.Tensor][] = [
        ['conv2d', (v) => t.conv2d(v, w, null, { padding: 1 })],
        ['maxPool2d', (v) => t.maxPool2d(v, { kernelSize: 2 })],
        ['avgPool2d', (v) => t.avgPool2d(v, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false })],
      ];
      for (const [name, op] of pairs) {
        const single = op(x);
        const batched = op(x.unsqueeze(0));
        expectShape(`${name} of [2,4,5]`, single, batched.shape.slice(1));
        expectValues(`${name} unbatched = batch of one`, await values(single), await values(batched));
      }
      const m = t.arange(12).reshape([1, 3, 4]).cast('float32');
      expectValues('pad [[-1, 1]] crops one, pads one', await values(m.pad([[-1, 1]])), [1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0]);
      expectValues(
        'pad [[1, -2], [-1, -1]]',
        await values(
          m.pad(
            [
              [1, -2],
              [-1, -1],
            ],
            7,
          ),
        ),
        [7, 7, 1, 2],
      );
      expectShape('pad cropping a whole axis', m.pad([[-4, 0]]), [1, 3, 0]);
    },
  },
  {
    name: 'empty tensors through floorDivide, prod, std, clamp and cropping pads',
    run: async () => {
      const e = t.zeros([0, 3]);
      const ei = t.zeros([0, 2], { dtype: 'int32' });
      expectShape('floorDivide of [0,2] int32', ei.floorDivide(t.tensor(new Int32Array([3, -3]))), [0, 2]);
      expectShape('div of [0,2] int32 (float32)', ei.div(2), [0, 2]);
      expectValues('prod over an empty axis is 1', await values(e.prod(0)), [1, 1, 1]);
      expectValues('std of nothing is NaN', nanAsString(await values(t.zeros([0]).std())), ['NaN']);
      expectShape('clamp of [0,3]', e.clamp(2, -1), [0, 3]);
      expectShape('argmax over a full axis of [0,4]', t.zeros([0, 4]).argmax(1), [0]);
      expectShape('maxPool2d of an empty batch', t.maxPool2d(t.zeros([0, 2, 4, 4]), { kernelSize: 2 }), [0, 2, 2, 2]);
      expectShape('conv2d of an empty batch', t.conv2d(t.zeros([0, 2, 5, 5]), t.zeros([3, 2, 3, 3])), [0, 3, 3, 3]);
      const x = t.zeros([0, 3], { requiresGrad: true });
      x.prod(1).sum().backward();
      expectShape('prod grad of [0,3]', x.grad!, [0, 3]);
      x.dispose();
    },
  },
  {
    // PyTorch leaves out-of-range float -> int casts undefined (x86 gives -2^31 for all);
    // every Tensile backend saturates, with NaN -> 0, as wasm's i32.trunc_sat.
    name: 'float -> int32 casts truncate and saturate to [-2^31, 2^31 - 1], NaN -> 0',
    run: async () => {
      for (const dtype of floatDTypes()) {
        const x = t.tensor([3e9, -3e9, NaN, Infinity, -Infinity, 2.9, -2.9, 2147483648, -2147483904, 1e38], { dtype });
        const want = [2147483647, -2147483648, 0, 2147483647, -2147483648, 2, -2, 2147483647, -2147483648, 2147483647];
        expectValues(`cast ${dtype} -> int32`, await values(x.cast('int32')), want);
      }
      const f64 = floatDTypes().includes('float64');
      if (f64) {
        const x = t.tensor([2147483647.9, -2147483648.9, 2147483646.5], { dtype: 'float64' });
        expectValues(
          'cast float64 -> int32 at the ends of the range',
          await values(x.cast('int32')),
          [2147483647, -2147483648, 2147483646],
        );
      }
    },
  },
  {
    name: 'logSoftmax of rows with a large offset keeps its precision, values and gradient (PyTorch)',
    run: async () => {
      for (const dtype of floatDTypes()) {
        const x = t.tensor([[30000.5, 30003.25, 29995.75, 30001]], { dtype, requiresGrad: true });
        const tol = dtype === 'float32' ? 2e-6 : 1e-9;
        const want = [-2.9069013248796582, -0.15690132487965805, -7.656901324879658, -2.4069013248796582];
        expectNear(`logSoftmax ${dtype}`, await values(x.logSoftmax(1)), want, tol);
        x.logSoftmax(1)
          .mul(t.tensor([[1, -2, 0.5, 3]], { dtype }))
          .sum()
          .backward();
        expectNear(
          `logSoftmax grad ${dtype}`,
          await values(x.grad!),
          [0.8633880143486677, -4.136971002511787, 0.4988180747390516, 2.7747649134240677],
          tol * 4,
        );
        x.dispose();
      }
    },
  },
  // Pooling NaN/ties, empty batches, pad-mode limits and option errors of the conv and pooling ops.
  ...convPoolEdgeCases,
  ...batchNormEdgeCases,
];
