/**
 * einsum (PyTorch's and NumPy's notation), built from movement ops, diagonal,
 * sum and batched matmul: no kernel of its own, and the gradient comes from
 * autograd through the composition.
 */
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { sizeOf } from '../shape.js';
import { tidy } from '../scope.js';
import { Tensor } from '../tensor.js';
import { diagonal } from './diagonals.js';
import { describe } from './util.js';

/** Labels of the axes '...' covers: ELLIPSIS_BASE + k for the k-th from the right (PyTorch aligns them right, as broadcasting). */
const ELLIPSIS_BASE = 0x100;

/** One operand while contracting: its tensor and one label per axis. */
interface Term {
  x: Tensor;
  labels: number[];
}

/**
 * Sums products of operands' entries along labelled axes (PyTorch's einsum):
 * `'ij,jk->ik'` is a matrix product, `'bij,bjk->bik'` a batched one, `'ii->i'`
 * a diagonal, `'ii'` a trace, `'i,j->ij'` an outer product. Letters a–z and
 * A–Z label axes; a label repeated within an operand takes its diagonal; '...'
 * stands for the remaining axes; axes of size 1 broadcast, as in PyTorch. Without '->',
 * the output has the labels that occur once, in alphabetical order, after
 * the ellipsis axes. Operands are contracted pairwise through batched matmul.
 *
 * @example
 * t.einsum('ij,jk->ik', a, b)      // a.matmul(b)
 * t.einsum('...ij->...ji', x)      // transpose of the last two axes
 * t.einsum('bi,bi->b', u, v)       // row-wise dot products
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (typeof equation !== 'string') throw new ArgumentError(`einsum: equation must be a string, got ${describe(equation)}`);
  if (operands.length === 1 && Array.isArray(operands[0])) operands = operands[0] as unknown as Tensor[];
  operands.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`einsum: operand ${i} must be a tensor, got ${describe(x)}`);
  });
  const { inputs, output } = parse(equation, operands);
  const sizes = labelSizes(equation, inputs, operands);
  return tidy(() => {
    let terms: Term[] = inputs.map((labels, i) => takeDiagonals(operands[i], labels));
    // Sum each label that occurs in one operand only and not in the output: it cannot meet another.
    terms = terms.map((term, i) => sumPrivate(term, (l) => output.includes(l) || terms.some((o, j) => j !== i && o.labels.includes(l))));
    let acc = terms[0];
    for (let i = 1; i < terms.length; i++) {
      const later = new Set([...output, ...terms.slice(i + 1).flatMap((t) => t.labels)]);
      acc = contract(acc, terms[i], later, sizes);
    }
    acc = sumPrivate(acc, (l) => output.includes(l));
    // Order the axes as the output, and broadcast those of size 1 up to the output's size.
    const ordered = acc.x.permute(output.map((l) => acc.labels.indexOf(l)));
    const shape = output.map((l) => sizes.get(l)!);
    return ordered.shape.every((d, i) => d === shape[i]) ? ordered.clone() : ordered.expand(shape).clone();
  });
}

/** Each operand's labels (ellipsis axes as ELLIPSIS_BASE + k, k counted from the right) and the output's. */
function parse(equation: string, operands: readonly Tensor[]): { inputs: number[][]; output: number[] } {
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow === -1 ? eq : eq.slice(0, arrow);
  const specs = lhs.split(',');
  if (specs.length !== operands.length) {
    throw new ArgumentError(`einsum: '${equation}' names ${specs.length} operand(s), got ${operands.length}`);
  }
  let ellipsisRank = 0;
  const inputs = specs.map((spec, i) => {
    const letters = labelsOf(equation, spec, `operand ${i}`);
    const named = letters.filter((l) => l !== -1).length;
    const rank = operands[i].rank;
    const hasEllipsis = letters.includes(-1);
    if (hasEllipsis ? named > rank : named !== rank) {
      throw new ShapeError(
        `einsum: operand ${i} ${fmtShape(operands[i].shape)} has ${rank} axes, but '${spec}' labels ${named}${hasEllipsis ? ' besides ...' : ''}`,
      );
    }
    const k = rank - named;
    if (hasEllipsis) ellipsisRank = Math.max(ellipsisRank, k);
    return letters.flatMap((l) => (l === -1 ? Array.from({ length: k }, (_, j) => ELLIPSIS_BASE + k - 1 - j) : [l]));
  });
  const ellipsis = Array.from({ length: ellipsisRank }, (_, j) => ELLIPSIS_BASE + ellipsisRank - 1 - j);
  let output: number[];
  if (arrow === -1) {
    const counts = new Map<number, number>();
    for (const l of inputs.flat()) if (l < ELLIPSIS_BASE) counts.set(l, (counts.get(l) ?? 0) + 1);
    const once = [...counts].filter(([, c]) => c === 1).map(([l]) => l);
    output = [...ellipsis, ...once.sort((a, b) => a - b)];
  } else {
    const letters = labelsOf(equation, eq.slice(arrow + 2), 'the output');
    const all = new Set(inputs.flat());
    for (const l of letters) {
      if (l !== -1 && !all.has(l))
        throw new ArgumentError(`einsum: output label '${String.fromCharCode(l)}' of '${equation}' is in no operand`);
    }
    if (new Set(letters).size !== letters.length) throw new ArgumentError(`einsum: a label repeats in the output of '${equation}'`);
    // Without '...' in an explicit output, ellipsis axes are summed (as PyTorch).
    output = letters.flatMap((l) => (l === -1 ? ellipsis : [l]));
  }
  return { inputs, output };
}

/** The labels of one operand: char codes of its letters, -1 for '...'. */
function labelsOf(equation: string, spec: string, what: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < spec.length; i++) {
    if (spec.startsWith('...', i)) {
      if (out.includes(-1)) throw new ArgumentError(`einsum: '...' appears twice in ${what} of '${equation}'`);
      out.push(-1);
      i += 2;
    } else if (/[a-zA-Z]/.test(spec[i])) out.push(spec.charCodeAt(i));
    else throw new ArgumentError(`einsum: '${spec[i]}' in ${what} of '${equation}' is not a letter, '...', ',' or '->'`);
  }
  return out;
}

/** Every label's size; sizes of one label must agree, except that size 1 broadcasts (as PyTorch). */
function labelSizes(equation: string, inputs: readonly number[][], operands: readonly Tensor[]): Map<number, number> {
  const sizes = new Map<number, number>();
  inputs.forEach((labels, i) =>
    labels.forEach((l, axis) => {
      const n = operands[i].shape[axis];
      // A label repeated within one operand takes a diagonal: its axes must match exactly.
      const first = labels.indexOf(l);
      if (first !== axis && operands[i].shape[first] !== n) {
        throw new ShapeError(
          `einsum: '${String.fromCharCode(l)}' labels axes of sizes ${operands[i].shape[first]} and ${n} in operand ${i} ${fmtShape(operands[i].shape)} of '${equation}'`,
        );
      }
      const seen = sizes.get(l);
      if (seen === undefined || seen === 1) sizes.set(l, n);
      else if (seen !== n && n !== 1) {
        const name = l >= ELLIPSIS_BASE ? '...' : `'${String.fromCharCode(l)}'`;
        throw new ShapeError(
          `einsum: ${name} is ${seen} in one place and ${n} in operand ${i} ${fmtShape(operands[i].shape)} of '${equation}'`,
        );
      }
    }),
  );
  return sizes;
}

/** A repeated label within one operand takes the diagonal (appended last by diagonal()). */
function takeDiagonals(x: Tensor, labels: readonly number[]): Term {
  let term: Term = { x, labels: [...labels] };
  for (;;) {
    const i = term.labels.findIndex((l, k) => term.labels.indexOf(l) !== k);
    if (i === -1) return term;
    const first = term.labels.indexOf(term.labels[i]);
    const l = term.labels[i];
    term = { x: diagonal(term.x, 0, first, i), labels: [...term.labels.filter((_, k) => k !== first && k !== i), l] };
  }
}

/** Sums the axes whose label is not kept. */
function sumPrivate(term: Term, keep: (l: number) => boolean): Term {
  const axes = term.labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  if (axes.length === 0) return term;
  return { x: term.x.sum(axes), labels: term.labels.filter((l) => keep(l)) };
}

/**
 * Contracts two terms with one batched matmul: labels in both and kept are
 * the batch, labels in both and not kept are summed (the inner dimension),
 * the rest are the rows (a only) and columns (b only).
 */
function contract(a: Term, b: Term, kept: ReadonlySet<number>, sizes: ReadonlyMap<number, number>): Term {
  const inB = (l: number) => b.labels.includes(l);
  const batch = a.labels.filter((l) => inB(l) && kept.has(l));
  const inner = a.labels.filter((l) => inB(l) && !kept.has(l));
  const rows = a.labels.filter((l) => !inB(l));
  const cols = b.labels.filter((l) => !a.labels.includes(l));
  const size = (ls: readonly number[]) => sizeOf(ls.map((l) => sizes.get(l)!));
  // Shared labels take their full size on both sides (an axis of size 1 broadcasts).
  const arrange = (t: Term, order: number[], shape: number[]) => {
    const p = t.x.permute(order.map((l) => t.labels.indexOf(l)));
    const full = order.map((l) => (batch.includes(l) || inner.includes(l) ? sizes.get(l)! : p.shape[order.indexOf(l)]));
    return (full.every((d, i) => d === p.shape[i]) ? p : p.expand(full)).reshape(shape);
  };
  const left = arrange(a, [...batch, ...rows, ...inner], [size(batch), size(rows), size(inner)]);
  const right = arrange(b, [...batch, ...inner, ...cols], [size(batch), size(inner), size(cols)]);
  const shapeOf = (ls: number[], t: Term) => ls.map((l) => t.x.shape[t.labels.indexOf(l)]);
  const out = left.matmul(right).reshape([...batch.map((l) => sizes.get(l)!), ...shapeOf(rows, a), ...shapeOf(cols, b)]);
  return { x: out, labels: [...batch, ...rows, ...cols] };
}
