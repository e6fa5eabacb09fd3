/**
 * The local rule of each op: how its backward turns the gradient arriving
 * at its output into gradients for its inputs. These are descriptions of
 * what Tensile's backward functions (packages/core/src/ops/) compute; the
 * numbers shown beside them are the ones Tensile computed.
 */

export interface LocalRule {
  /** The op's symbol, drawn in its node. */
  symbol: string;
  /** One sentence: what the op's backward does. */
  rule: string;
  /** The rule as formulas, with g the gradient arriving at the output and y the output. */
  formulas: string[];
}

const RULES: Record<string, LocalRule> = {
  add: { symbol: '+', rule: 'add passes the gradient through unchanged to both inputs.', formulas: ['da = g', 'db = g'] },
  sub: { symbol: '−', rule: 'sub passes the gradient to the first input and its negative to the second.', formulas: ['da = g', 'db = −g'] },
  mul: {
    symbol: '×',
    rule: 'mul swaps its inputs: each input receives the gradient times the other input.',
    formulas: ['da = g · b', 'db = g · a'],
  },
  div: {
    symbol: '÷',
    rule: 'div: the numerator receives g / b; the denominator receives −g · y / b.',
    formulas: ['da = g / b', 'db = −g · y / b'],
  },
  pow: {
    symbol: '^',
    rule: 'pow: the base receives g · b · a^(b−1); the exponent receives g · y · log a.',
    formulas: ['da = g · b · a^(b−1)', 'db = g · y · ln a'],
  },
  matmul: {
    symbol: '@',
    rule: 'matmul: each side receives the gradient multiplied by the transpose of the other side.',
    formulas: ['dA = g · Bᵀ', 'dB = Aᵀ · g'],
  },
  neg: { symbol: '−', rule: 'neg flips the sign of the gradient.', formulas: ['dx = −g'] },
  sigmoid: {
    symbol: 'σ',
    rule: 'sigmoid multiplies the gradient by y(1 − y), read off its own output.',
    formulas: ['dx = g · y · (1 − y)'],
  },
  tanh: { symbol: 'tanh', rule: 'tanh multiplies the gradient by 1 − y², read off its own output.', formulas: ['dx = g · (1 − y²)'] },
  relu: {
    symbol: 'ReLU',
    rule: 'relu lets the gradient through where the input was positive and stops it elsewhere.',
    formulas: ['dx = g · [x > 0]'],
  },
  exp: { symbol: 'exp', rule: 'exp multiplies the gradient by its own output.', formulas: ['dx = g · y'] },
  log: { symbol: 'log', rule: 'log divides the gradient by its input.', formulas: ['dx = g / x'] },
  square: { symbol: 'x²', rule: 'square multiplies the gradient by 2x.', formulas: ['dx = 2 · g · x'] },
  sqrt: { symbol: '√', rule: 'sqrt divides the gradient by twice its output.', formulas: ['dx = g / (2y)'] },
  abs: { symbol: '|x|', rule: 'abs multiplies the gradient by the sign of the input.', formulas: ['dx = g · sign(x)'] },
  sin: { symbol: 'sin', rule: 'sin multiplies the gradient by cos x.', formulas: ['dx = g · cos x'] },
  cos: { symbol: 'cos', rule: 'cos multiplies the gradient by −sin x.', formulas: ['dx = −g · sin x'] },
  sum: { symbol: 'Σ', rule: 'sum copies the gradient to every element it added up.', formulas: ["dx = g (broadcast to x's shape)"] },
  transpose: { symbol: 'ᵀ', rule: 'transpose transposes the gradient back.', formulas: ['dx = gᵀ'] },
  maximum: {
    symbol: 'max',
    rule: 'maximum sends the gradient to the larger input (split evenly on ties).',
    formulas: ['da = g · [a > b]', 'db = g · [b > a]'],
  },
  minimum: {
    symbol: 'min',
    rule: 'minimum sends the gradient to the smaller input (split evenly on ties).',
    formulas: ['da = g · [a < b]', 'db = g · [b < a]'],
  },
  cast: { symbol: 'cast', rule: "cast converts the gradient back to the input's dtype.", formulas: ['dx = g'] },
  reshape: { symbol: 'reshape', rule: "reshape gives the gradient the input's shape back.", formulas: ['dx = reshape(g)'] },
};

/** The rule of an op; ops without a description here still show Tensile's numbers. */
export function ruleOf(op: string): LocalRule {
  return (
    RULES[op] ?? {
      symbol: op,
      rule: `${op}: its backward function in Tensile's core turns g into the inputs' gradients shown.`,
      formulas: [],
    }
  );
}

/** Broadcasting adds a step to every elementwise rule: what an input lent to many elements gets their gradients summed. */
export const BROADCAST_NOTE =
  'An input that was broadcast (e.g. a bias added to every row) receives the gradient summed over the broadcast axes.';
