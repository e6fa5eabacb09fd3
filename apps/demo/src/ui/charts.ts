import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EvalResult, TrainPoint } from '../protocol.js';

type Column = (number | null)[];

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
  private pending = false;

  constructor(loss: HTMLElement, accuracy: HTMLElement, speed: HTMLElement) {
    const width = () => Math.max(280, loss.clientWidth);
    const compact = (_: uPlot, values: number[]) => values.map((v) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(3)}`));
    const make = (el: HTMLElement, title: string, series: uPlot.Series[], scale?: uPlot.Scale) =>
      new uPlot(
        {
          title,
          width: width(),
          height: 180,
          scales: { x: { time: false }, ...(scale ? { y: scale } : {}) },
          axes: [{ label: 'step' }, { values: compact, size: 56 }],
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
      make(loss, 'Loss (cross-entropy)', [line('train', '#e8710a'), dots('test', '#1a73e8')]),
      make(accuracy, 'Accuracy', [line('train', '#e8710a'), dots('test', '#1a73e8')], { range: [0, 1] }),
      make(speed, 'Training speed (samples/s)', [line('samples/s', '#188038')]),
    ];
    new ResizeObserver(() => {
      for (const p of this.plots) p.setSize({ width: width(), height: 180 });
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
    });
  }
}
