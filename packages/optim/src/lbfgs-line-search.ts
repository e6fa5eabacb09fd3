import type * as t from '@tensile/core';

/** f(x + t·d) and its flat gradient; the caller restores x. */
export type DirectionalEvaluate = (step: number) => Promise<{ loss: number; grad: t.Tensor }>;

/** A dot product read to the host (every backend: reads await). */
export type Dot = (a: t.Tensor, b: t.Tensor) => Promise<number>;

/** The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to bounds (torch's _cubic_interpolate). */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

/**
 * The strong-Wolfe line search of torch.optim.LBFGS (minFunc's), step for
 * step: bracket, then zoom with cubic interpolation. Gradients it returns
 * are the caller's to dispose (`grad`); every other gradient it evaluated is
 * disposed here.
 */
export async function strongWolfe(
  evaluate: DirectionalEvaluate,
  dot: Dot,
  dNorm: number,
  start: number,
  d: t.Tensor,
  f: number,
  g: t.Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): Promise<{ loss: number; grad: t.Tensor; step: number; evals: number }> {
  const owned = new Set<t.Tensor>();
  const own = (x: t.Tensor): void => {
    owned.add(x);
  };
  let step = start;
  let { loss: fNew, grad: gNew } = await evaluate(step);
  own(gNew);
  let evals = 1;
  let gtdNew = await dot(gNew, d);
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: t.Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * step * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, step],
        [fPrev, fNew],
        [gPrev, gNew],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[step], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, step],
        [fPrev, fNew],
        [gPrev, gNew],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    const minStep = step + 0.01 * (step - tPrev);
    const maxStep = step * 10;
    const previous = step;
    step = cubicInterpolate(tPrev, fPrev, gtdPrev, step, fNew, gtdNew, [minStep, maxStep]);
    tPrev = previous;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    ({ loss: fNew, grad: gNew } = await evaluate(step));
    own(gNew);
    evals++;
    gtdNew = await dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs)
    [bracket, bracketF, bracketG] = [
      [0, step],
      [f, fNew],
      [g, gNew],
    ];

  let insufficientProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    step = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const top = Math.max(...bracket);
    const bottom = Math.min(...bracket);
    const eps = 0.1 * (top - bottom);
    if (Math.min(top - step, step - bottom) < eps) {
      if (insufficientProgress || step >= top || step <= bottom) {
        step = Math.abs(step - top) < Math.abs(step - bottom) ? top - eps : bottom + eps;
        insufficientProgress = false;
      } else insufficientProgress = true;
    } else insufficientProgress = false;
    ({ loss: fNew, grad: gNew } = await evaluate(step));
    own(gNew);
    evals++;
    gtdNew = await dot(gNew, d);
    lsIter++;
    if (fNew > f + c1 * step * gtd || fNew >= bracketF[low]) {
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [step, fNew, gNew, gtdNew];
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [step, fNew, gNew, gtdNew];
    }
  }
  const grad = bracketG[low];
  for (const x of owned) if (x !== grad) x.dispose();
  return { loss: bracketF[low], grad, step: bracket[low], evals };
}
