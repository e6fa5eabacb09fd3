import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EvalResult, TrainPoint } from '../protocol.js';

type Column = (number | null)[];

/** The charts' points, as kept across reloads (with the model in IndexedDB). */
export interface ChartHistory {
  steps: number[];
  trainLoss: Column;
  testLoss: Column;
  trainAccuracy: Column;
  testAccuracy: Column;
  speed: Column;
}

const HEIGHT = 132;

/**
 * The three live charts: loss and accuracy (train and test) and samples/s,
 * all against the optimizer step. Test values are points on the same
 * x-axis (null where there was no evaluation); gaps are spanned.
 */
export class TrainingCharts {
  private readonly steps: number[] = [];
  private readonly trainLoss: Column = [];
  private readonly testLoss: Column = [];
  private readonly trainAccuracy: Column = [];
  private readonly testAccuracy: Column = [];
  private readonly speed: Column = [];
  private readonly plots: uPlot[];
  private readonly elements: HTMLElement[];
  private pending = false;
  /** Called after each redraw with the charts' points (the page keeps them for the next visit). */
  onChange: (history: ChartHistory) => void = () => {};

  constructor(loss: HTMLElement, accuracy: HTMLElement, speed: HTMLElement) {
    this.elements = [loss, accuracy, speed];
    const width = () => Math.max(280, loss.clientWidth);
    const compact = (_: uPlot, values: number[]) =>
      values.map((v) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(3)}`));
    // The legend is off (it reads '--' until hovered); the page shows the latest values as large numbers instead.
    const make = (el: HTMLElement, title: string, series: uPlot.Series[], scale?: uPlot.Scale) =>
      new uPlot(
        {
          title,
          width: width(),
          height: HEIGHT,
          legend: { show: false },
          scales: { x: { time: false }, ...(scale ? { y: scale } : {}) },
          // y labels every ~28 px: three or more per chart, also while a value hardly moves.
          axes: [{ size: 30 }, { values: compact, size: 50, space: 28 }],
          series: [{ label: 'step' }, ...series],
        },
        [[], ...series.map(() => [])],
        el,
      );
    const line = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({
      label,
      stroke,
      width: 2,
      dash,
      spanGaps: true,
      points: { show: false },
    });
    const dots = (label: string, stroke: string): uPlot.Series => ({
      label,
      stroke,
      width: 2,
      spanGaps: true,
      points: { show: true, size: 6 },
    });
    this.plots = [
      make(loss, 'Loss (cross-entropy) by step', [line('train', '#e8710a'), dots('test', '#1a73e8')]),
      make(accuracy, 'Accuracy by step', [line('train', '#e8710a'), dots('test', '#1a73e8')], { range: [0, 1] }),
      // From zero, so the axis has several labels even while the speed hardly changes.
      make(speed, 'Training speed (samples/s) by step', [line('samples/s', '#188038')], {
        range: (_u, _min, max) => [0, Math.max(1, max) * 1.15],
      }),
    ];
    new ResizeObserver(() => {
      for (const p of this.plots) p.setSize({ width: width(), height: HEIGHT });
    }).observe(loss);
  }

  addTrain(points: TrainPoint[]): void {
    for (const p of points) {
      this.restartIfBefore(p.step);
      this.steps.push(p.step);
      this.trainLoss.push(p.loss);
      this.trainAccuracy.push(p.accuracy);
      this.speed.push(p.samplesPerSecond);
      this.testLoss.push(null);
      this.testAccuracy.push(null);
    }
    this.redraw();
  }

  addEval(result: EvalResult): void {
    this.restartIfBefore(result.step);
    // The evaluation lands on the train point of its step when there is one.
    const at = this.steps.length > 0 && this.steps[this.steps.length - 1] === result.step ? this.steps.length - 1 : -1;
    if (at >= 0) {
      this.testLoss[at] = result.loss;
      this.testAccuracy[at] = result.accuracy;
    } else {
      this.steps.push(result.step);
      this.trainLoss.push(null);
      this.trainAccuracy.push(null);
      this.speed.push(null);
      this.testLoss.push(result.loss);
      this.testAccuracy.push(result.accuracy);
    }
    this.redraw();
  }

  /** A step before the last one charted means a new model (reset or loaded): start over. */
  private restartIfBefore(step: number): void {
    if (this.steps.length > 0 && step < this.steps[this.steps.length - 1]) this.clear();
  }

  clear(): void {
    for (const column of [this.steps, this.trainLoss, this.testLoss, this.trainAccuracy, this.testAccuracy, this.speed]) column.length = 0;
    this.redraw();
  }

  /** The last step charted, or -1. */
  get lastStep(): number {
    return this.steps.length ? this.steps[this.steps.length - 1] : -1;
  }

  /** Puts back the points of an earlier visit (the model it belongs to came back from IndexedDB). */
  restore(history: ChartHistory): void {
    this.clear();
    const n = history.steps.length;
    const columns = [history.trainLoss, history.testLoss, history.trainAccuracy, history.testAccuracy, history.speed];
    if (columns.some((c) => !Array.isArray(c) || c.length !== n)) return; // not ours, or damaged: start empty
    this.steps.push(...history.steps);
    this.trainLoss.push(...history.trainLoss);
    this.testLoss.push(...history.testLoss);
    this.trainAccuracy.push(...history.trainAccuracy);
    this.testAccuracy.push(...history.testAccuracy);
    this.speed.push(...history.speed);
    this.redraw();
  }

  /** The charts in words, for screen readers (each chart is an image with this as its name). */
  private describe(): void {
    const last = (c: Column) => [...c].reverse().find((v) => v !== null) ?? null;
    const fmt = (v: number | null, as: (v: number) => string) => (v === null ? 'none yet' : as(v));
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    const span = this.steps.length ? `steps ${this.steps[0]} to ${this.lastStep}` : 'no data yet';
    const [loss, accuracy, speed] = this.elements;
    loss.setAttribute(
      'aria-label',
      `Loss chart, ${span}: latest train loss ${fmt(last(this.trainLoss), (v) => v.toFixed(3))}, test loss ${fmt(last(this.testLoss), (v) => v.toFixed(3))}`,
    );
    accuracy.setAttribute(
      'aria-label',
      `Accuracy chart, ${span}: latest train accuracy ${fmt(last(this.trainAccuracy), pct)}, test accuracy ${fmt(last(this.testAccuracy), pct)}`,
    );
    speed.setAttribute('aria-label', `Speed chart, ${span}: latest ${fmt(last(this.speed), (v) => `${Math.round(v)} samples per second`)}`);
  }

  /** Redraws once per animation frame however many points arrived. */
  private redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const [lossPlot, accuracyPlot, speedPlot] = this.plots;
      lossPlot.setData([this.steps, this.trainLoss, this.testLoss] as uPlot.AlignedData);
      accuracyPlot.setData([this.steps, this.trainAccuracy, this.testAccuracy] as uPlot.AlignedData);
      speedPlot.setData([this.steps, this.speed] as uPlot.AlignedData);
      this.describe();
      this.onChange({
        steps: this.steps,
        trainLoss: this.trainLoss,
        testLoss: this.testLoss,
        trainAccuracy: this.trainAccuracy,
        testAccuracy: this.testAccuracy,
        speed: this.speed,
      });
    });
  }
}
