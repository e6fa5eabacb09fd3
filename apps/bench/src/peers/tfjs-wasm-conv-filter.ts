/**
 * TensorFlow.js's wasm backend has no Conv2DBackpropFilter kernel (tfjs#8474),
 * so training any conv net on it throws. To benchmark it at all we register
 * one, built only from kernels the wasm backend already has (so it runs at
 * XNNPACK speed, not in JS):
 *
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh·d, ow·s+kw·d, ci] · dy[n,oh,ow,co]
 *
 * is itself a convolution once the batch axis plays the role of channels:
 * x' = transpose(x, [3,1,2,0])  ([ci,H,W,n]) convolved with
 * f' = transpose(dy, [1,2,0,3]) ([oh,ow,n,co]) at dilation = stride gives
 * [ci,kh,kw,co] (sliced when padding rounds up), transposed back to [kh,kw,ci,co].
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;

export const WASM_CONV_FILTER_NOTE =
  'tfjs-wasm lacks Conv2DBackpropFilter; the bench registers one built from its own Transpose+Conv2D(+Slice) kernels';

export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return; // a future tfjs may ship one
  const kernel = (name: string) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`tfjs-wasm Conv2DBackpropFilter: wasm backend has no ${name} kernel`);
    return k.kernelFunc;
  };
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat !== 'NHWC') throw new Error(`tfjs-wasm Conv2DBackpropFilter: dataFormat ${dataFormat} unsupported (NHWC only)`);
      const [kh, kw, ci, co] = filterShape;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      const b = backend as tf.KernelBackend;
      const temps: Info[] = [];
      const run = (name: string, ins: Record<string, Info>, at: object): Info => {
        const out = kernel(name)({ inputs: ins, backend: b, attrs: at as tf.NamedAttrMap }) as Info;
        temps.push(out);
        return out;
      };
      const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const p = info.padInfo;
      let conv = run(
        'Conv2D',
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          dilations: [info.strideHeight, info.strideWidth],
          pad: [
            [0, 0],
            [p.top, p.bottom],
            [p.left, p.right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      );
      if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
        conv = run('Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] });
      }
      const out = kernel('Transpose')({ inputs: { x: conv }, backend: b, attrs: { perm: [1, 2, 0, 3] } }) as Info;
      for (const t of temps) b.disposeData(t.dataId);
      return out;
    },
  });
}
