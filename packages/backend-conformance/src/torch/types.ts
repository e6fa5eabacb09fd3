/**
 * The shape of a PyTorch fixture case, as written by
 * scripts/gen_torch_fixtures.py (see fixtures/README.md for the format).
 */

/**
 * Dtypes a fixture stores; float64 cases run in float32 on backends without
 * float64. 'float32' is an output that is float32 whatever the run dtype
 * (int32 / int32, PyTorch's true division).
 */
export type FixtureDType = 'float64' | 'float32' | 'int32' | 'bool';

export interface FixtureTensor {
  shape: number[];
  /** Flat, row-major. Bool data are JSON booleans; non-finite floats the strings "NaN", "Infinity", "-Infinity". */
  data: (number | boolean | string)[];
}

export interface FixtureInput extends FixtureTensor {
  dtype: FixtureDType;
  /** Whether the case checks a gradient for this input. */
  grad: boolean;
}

export interface FixtureOutput extends FixtureTensor {
  dtype: FixtureDType;
}

export interface TorchCase {
  /** `<family>/<label>`, unique across all fixture files. */
  name: string;
  /** The Tensile API name of the op, e.g. 'matmul', 'sum', 'conv2d'. */
  op: string;
  /** Op options by their Tensile names. */
  args: Record<string, unknown>;
  inputs: FixtureInput[];
  output: FixtureOutput;
  /** The seed of backward: gradients are those of sum(output * cotangent). Null for int/bool outputs. */
  cotangent: FixtureTensor | null;
  /** PyTorch's gradient for each input whose `grad` is true, else null. */
  grads: (FixtureTensor | null)[];
}

export interface TorchFixtureFile {
  family: string;
  cases: TorchCase[];
}
