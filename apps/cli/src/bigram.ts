/**
 * A count-based character bigram model, the baseline a character-level
 * language model has to beat: P(b | a) = (count(a, b) + α) / (count(a) + α·V),
 * counted on the training text (add-α smoothing; α = 1 is Laplace's add-one).
 */
export class Bigram {
  private readonly counts: Float64Array;
  private readonly totals: Float64Array;

  constructor(
    train: Int32Array,
    readonly vocabSize: number,
  ) {
    this.counts = new Float64Array(vocabSize * vocabSize);
    this.totals = new Float64Array(vocabSize);
    for (let i = 0; i + 1 < train.length; i++) {
      this.counts[train[i] * vocabSize + train[i + 1]]++;
      this.totals[train[i]]++;
    }
  }

  /** −log P(next | previous) with add-α smoothing, in nats. */
  nll(previous: number, next: number, alpha: number): number {
    const V = this.vocabSize;
    return -Math.log((this.counts[previous * V + next] + alpha) / (this.totals[previous] + alpha * V));
  }

  /** Mean −log P over (previous, next) pairs, in nats per character. */
  loss(pairs: Iterable<[number, number]>, alpha: number): number {
    let sum = 0;
    let n = 0;
    for (const [a, b] of pairs) {
      sum += this.nll(a, b, alpha);
      n++;
    }
    return sum / n;
  }

  /**
   * The smoothing with the lowest loss on `pairs` among add-one and smaller
   * α: tuned on the evaluation pairs themselves, which flatters the
   * baseline, so a model beating it beats every add-α bigram.
   */
  best(pairs: () => Iterable<[number, number]>): { alpha: number; loss: number } {
    let best = { alpha: 1, loss: Number.POSITIVE_INFINITY };
    for (const alpha of [1, 0.3, 0.1, 0.03, 0.01, 0.001]) {
      const loss = this.loss(pairs(), alpha);
      if (loss < best.loss) best = { alpha, loss };
    }
    return best;
  }
}
