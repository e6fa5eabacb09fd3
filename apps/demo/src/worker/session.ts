import * as t from '@tensile/core';
import { decodeSafetensors, encodeModel, indexedDbStorage, loadModel } from '@tensile/io';
import { exportOnnx } from '@tensile/onnx';
import { moduleToSpec, type Module } from '@tensile/layers';
import { CrossEntropyLoss } from '@tensile/losses';
import {
  SAMPLE_COUNT,
  type BackendName,
  type EvalResult,
  type FromWorker,
  type ModelName,
  type ModelSummary,
  type TrainConfig,
  type TrainPoint,
} from '../protocol.js';
import { createBackend } from './backends.js';
import { BatchStream, type MnistSubset } from './data.js';
import { makeOptimizer, type Optimizer } from './optimizers.js';
import { buildModel, logitsOf, checkMnistModel, firstLayerTiles, modelKind } from './models.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** A model file that could not be used: `message` is for a visitor, `detail` the technical cause. */
export class ModelFileError extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Where the last model is kept across reloads. */
const LAST_MODEL = { storage: indexedDbStorage('tensile-demo'), path: 'last-model.tensile' };
const EVAL_BATCH = 500;
/** Steps averaged into one chart point. */
const POINT_STEPS = 10;
/** Longest stretch of training between two looks at the message queue (pause, predict). */
const YIELD_MS = 30;

/** Lets queued messages (pause, predict) run: a MessageChannel turn, which setTimeout's 4 ms clamp does not slow. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * One training session inside the worker: the backend, the model, its
 * optimizer and the data stream. Every method runs between two training
 * steps (messages are handled only when the loop yields), so none of them
 * sees a half-made step.
 */
export class Session {
  private backendName: BackendName = 'cpu';
  private model: Module | undefined;
  private kind: ModelName = 'mlp';
  private origin = 'new';
  private optimizer: Optimizer | undefined;
  private optimizerKey = '';
  private stream: BatchStream | undefined;
  private readonly loss = new CrossEntropyLoss();
  private step = 0;
  private target = 0;
  private running = false;
  /** Serialises everything that touches the model: training runs one call at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly data: MnistSubset,
    private readonly post: Post,
  ) {}

  /** Runs fn after everything queued before it (a training run included). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  useBackend(name: BackendName): Promise<void> {
    this.running = false;
    return this.serial(async () => {
      const { backend, detail } = await createBackend(name);
      // The weights move with the switch: saved on the old backend, loaded on the new one.
      const bytes = this.model ? await this.encode() : undefined;
      await this.stream?.close();
      this.stream = undefined;
      this.disposeModel();
      await t.setBackend(backend);
      this.backendName = name;
      if (bytes) await this.adopt(await loadModel(bytes, { fileName: 'model' }), this.origin, this.step);
      this.post({ type: 'backend', backend: name, detail });
      this.postMemory();
    });
  }

  /** Restores the model kept in IndexedDB by an earlier visit; false when there is none. */
  restoreLast(): Promise<boolean> {
    return this.serial(async () => {
      if (!(await LAST_MODEL.storage.exists(LAST_MODEL.path))) return false;
      const bytes = await LAST_MODEL.storage.read(LAST_MODEL.path);
      await this.adoptBytes(bytes, 'IndexedDB (last session)');
      return true;
    });
  }

  reset(config: TrainConfig): Promise<void> {
    this.running = false;
    return this.serial(async () => {
      await this.stream?.close();
      this.stream = undefined;
      await this.adopt(buildModel(config.model), 'new', 0);
    });
  }

  pause(): void {
    this.running = false;
  }

  /** Trains `config.steps` more steps; `fresh` starts a new model first (the pretrained one is kept for drawing otherwise). */
  train(config: TrainConfig, fresh = false): Promise<void> {
    this.running = false; // a run in progress stops at its next step; this one follows it
    return this.serial(async () => {
      if (fresh) {
        await this.stream?.close();
        this.stream = undefined;
        await this.adopt(buildModel(config.model), 'new', 0);
      }
      await this.run(config);
    });
  }

  private async run(config: TrainConfig): Promise<void> {
    if (!this.model || modelKind(this.model) !== config.model) {
      await this.stream?.close();
      this.stream = undefined;
      await this.adopt(buildModel(config.model), 'new', 0);
    }
    const model = this.model!;
    const optimizerKey = `${config.optimizer}:${config.lr}`;
    if (!this.optimizer || this.optimizerKey !== optimizerKey) {
      this.optimizer?.dispose();
      this.optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr);
      this.optimizerKey = optimizerKey;
    }
    if (!this.stream || this.stream.batchSize !== config.batchSize) {
      await this.stream?.close();
      this.stream = new BatchStream(this.data.train, config.batchSize);
    }
    // Resume a paused run to its target; a finished one trains `steps` more.
    if (this.step >= this.target) this.target = this.step + config.steps;
    this.running = true;
    this.postState();

    const optimizer = this.optimizer;
    const stream = this.stream;
    let sums = { loss: 0, correct: 0, samples: 0, steps: 0 };
    let windowStart = performance.now();
    let lastYield = performance.now();
    let points: TrainPoint[] = [];
    model.train();
    try {
      while (this.running && this.step < this.target) {
        const { x, y } = await stream.next();
        const [loss, correct] = t.tidy(() => {
          const logits = logitsOf(model, x);
          const value = this.loss.forward(logits, y);
          value.backward();
          return [value.detach(), logits.argmax(1).eq(y).cast('float32').sum()];
        });
        optimizer.step();
        optimizer.zeroGrad();
        const n = x.shape[0];
        t.dispose([x, y]);
        const [lossValue, correctValue] = await Promise.all([loss.data(), correct.data()]);
        t.dispose([loss, correct]);
        if (!Number.isFinite(lossValue[0]))
          throw new Error(`the loss became ${lossValue[0]} at step ${this.step + 1}: lower the learning rate and press Reset`);
        this.step++;
        sums.loss += lossValue[0] * n;
        sums.correct += correctValue[0];
        sums.samples += n;
        sums.steps++;
        const now = performance.now();
        if (sums.steps >= POINT_STEPS || this.step === this.target) {
          const seconds = Math.max(now - windowStart, 1e-3) / 1000;
          points.push({
            step: this.step,
            epoch: this.step / stream.batchesPerEpoch,
            loss: sums.loss / sums.samples,
            accuracy: sums.correct / sums.samples,
            samplesPerSecond: sums.samples / seconds,
          });
          this.post({ type: 'train-points', points });
          points = [];
          sums = { loss: 0, correct: 0, samples: 0, steps: 0 };
          windowStart = performance.now();
          this.postState();
        }
        if (this.step % config.evalEvery === 0 || this.step === this.target) await this.evaluateAndShow();
        if (performance.now() - lastYield > YIELD_MS) {
          await yieldToEvents();
          lastYield = performance.now();
        }
      }
    } finally {
      this.running = false;
      model.eval();
      this.postState();
      this.postMemory();
    }
    await this.keepLast();
  }

  /** Loss, accuracy and the confusion matrix on the test subset, then the first layer's weights. */
  private async evaluateAndShow(): Promise<void> {
    const model = this.model!;
    const test = this.data.test;
    model.eval();
    const confusion = new Array<number>(100).fill(0);
    const examples: number[] = [];
    let lossSum = 0;
    for (let start = 0; start < test.length; start += EVAL_BATCH) {
      const indices = Array.from({ length: Math.min(EVAL_BATCH, test.length - start) }, (_, i) => start + i);
      const { x, y } = await test.getBatch(indices);
      const [loss, predicted] = t.tidy(() =>
        t.noGrad(() => {
          const logits = logitsOf(model, x);
          return [this.loss.forward(logits, y).mul(indices.length), logits.argmax(1)];
        }),
      );
      const [lossValue, predictedValues, labels] = await Promise.all([loss.data(), predicted.data(), y.data()]);
      t.dispose([x, y, loss, predicted]);
      lossSum += lossValue[0];
      for (let i = 0; i < indices.length; i++) confusion[Number(labels[i]) * 10 + Number(predictedValues[i])]++;
      for (let i = 0; i < indices.length && start + i < SAMPLE_COUNT; i++) examples.push(Number(predictedValues[i]));
    }
    let correct = 0;
    for (let c = 0; c < 10; c++) correct += confusion[c * 10 + c];
    const result: EvalResult = {
      step: this.step,
      loss: lossSum / test.length,
      accuracy: correct / test.length,
      confusion,
      samples: test.length,
      examples,
    };
    this.post({ type: 'eval', result });
    const tiles = await firstLayerTiles(model);
    this.post({ type: 'weights', tiles }, [tiles.data.buffer]);
    if (this.running) model.train();
  }

  /** Class probabilities for one drawn digit: pixels are 784 values in [0, 1], white on black. */
  predict(id: number, pixels: Float32Array): void {
    // Not queued behind training: a prediction runs between two steps, with the weights of that moment.
    const model = this.model;
    if (!model) return;
    if (pixels.length !== 784) throw new Error(`predict: expected 784 pixels (28×28), got ${pixels.length}`);
    const probabilities = t.tidy(() =>
      t.noGrad(() => {
        const x = t.tensor(pixels).reshape([1, 1, 28, 28]).sub(0.1307).div(0.3081);
        const wasTraining = model.training;
        model.eval();
        const p = logitsOf(model, x).softmax(1);
        if (wasTraining) model.train();
        return p;
      }),
    );
    void probabilities.data().then((values) => {
      probabilities.dispose();
      this.post({ type: 'prediction', id, probabilities: Array.from(values as Float32Array) });
    });
  }

  /** The model as a Tensile model file, offered to the page for download and kept in IndexedDB. */
  save(): Promise<void> {
    return this.serial(async () => {
      if (!this.model) throw new Error('save: there is no model yet: press Train or Reset first');
      const bytes = await this.encode();
      await LAST_MODEL.storage.write(LAST_MODEL.path, bytes);
      const fileName = `tensile-mnist-${this.kind}-step${this.step}.tensile`;
      this.post({ type: 'saved', bytes, fileName }, [bytes.buffer]);
    });
  }

  /**
   * The model as an ONNX file (opset 17, input [batch, 1, 28, 28] normalized
   * as for training, output the 10 logits), for ONNX Runtime and the like.
   */
  saveOnnx(): Promise<void> {
    return this.serial(async () => {
      if (!this.model) throw new Error('save-onnx: there is no model yet: press Train or Reset first');
      const example = t.zeros([1, 1, 28, 28]);
      const bytes = await exportOnnx(this.model, example, { inputNames: ['image'], outputNames: ['logits'] }).finally(() =>
        example.dispose(),
      );
      const fileName = `tensile-mnist-${this.kind}-step${this.step}.onnx`;
      this.post({ type: 'saved-onnx', bytes, fileName }, [bytes.buffer]);
    });
  }

  /** Loads an uploaded model file; a file that is not an MNIST model of 10 classes is refused, the current model kept. */
  load(bytes: Uint8Array, fileName: string): Promise<void> {
    this.running = false;
    return this.serial(async () => {
      await this.adoptBytes(bytes, fileName);
      await this.keepLast();
      this.post({ type: 'loaded', origin: fileName, bytes: bytes.length });
    });
  }

  /** The pretrained model shipped with the site; like a load, without a file name. */
  loadPretrained(bytes: Uint8Array): Promise<void> {
    this.running = false;
    return this.serial(async () => {
      await this.adoptBytes(bytes, 'pretrained');
      await this.keepLast();
    });
  }

  private async adoptBytes(bytes: Uint8Array, origin: string): Promise<void> {
    let model: Module;
    try {
      model = await loadModel(bytes, { fileName: origin });
    } catch (error) {
      throw new ModelFileError(
        `${origin} is not a Tensile model file, or it is damaged. Pick a file saved by this page or by \`tensile train\`.`,
        (error as Error).message,
      );
    }
    try {
      checkMnistModel(model, origin);
    } catch (error) {
      model.dispose();
      throw new ModelFileError(
        `${origin} is a model, but not one for MNIST digits (28×28 images in, 10 classes out).`,
        (error as Error).message,
      );
    }
    const step = Number(decodeSafetensors(bytes).metadata?.step ?? 0);
    await this.stream?.close();
    this.stream = undefined;
    await this.adopt(model, origin, Number.isInteger(step) && step >= 0 ? step : 0);
  }

  /** Makes `model` the session's model (freeing the old one) and tells the page. */
  private async adopt(model: Module, origin: string, step: number): Promise<void> {
    if (model !== this.model) this.disposeModel();
    this.model = model;
    this.kind = modelKind(model);
    this.origin = origin;
    this.optimizer?.dispose();
    this.optimizer = undefined;
    this.step = step;
    this.target = step;
    model.eval();
    const summary: ModelSummary = { model: this.kind, parameters: model.numParameters(), step, origin };
    this.post({ type: 'model', summary });
    this.postState();
    await this.evaluateAndShow();
    this.postMemory();
  }

  private disposeModel(): void {
    this.model?.dispose();
    this.model = undefined;
    this.optimizer?.dispose();
    this.optimizer = undefined;
  }

  private encode(): Promise<Uint8Array> {
    const model = this.model!;
    return encodeModel(model, moduleToSpec(model), {
      metadata: { step: String(this.step), model: this.kind, backend: this.backendName, app: '@tensile/demo' },
    });
  }

  private async keepLast(): Promise<void> {
    if (!this.model) return;
    try {
      await LAST_MODEL.storage.write(LAST_MODEL.path, await this.encode());
    } catch (error) {
      this.post({ type: 'log', level: 'info', message: `could not keep the model in IndexedDB: ${String(error)}` });
    }
  }

  private postState(): void {
    this.post({ type: 'state', running: this.running, step: this.step, target: this.target });
  }

  private postMemory(): void {
    const info = t.memory();
    this.post({ type: 'memory', tensors: info.tensors, bytes: info.backend.liveBytes });
  }
}
