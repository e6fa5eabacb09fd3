/**
 * The page: controls, charts, the drawing pad and the model views. All
 * tensor work happens in the training worker (src/worker/); this thread
 * only sends it commands and draws what it reports.
 */
import { browserDownload, readUploadedFile } from '@tensile/io';
import type { BackendInfo, BackendName, FromWorker, ModelName, ModelSummary, OptimizerName, ToWorker, TrainConfig } from './protocol.js';
import { TrainingCharts } from './ui/charts.js';
import { DrawPad } from './ui/draw-pad.js';
import { toMnistPixels } from './ui/preprocess.js';
import { drawConfusion, drawPreview, drawProbabilities, drawWeightTiles } from './ui/views.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: the page has no #${id}`);
  return el as T;
};

const worker = new Worker(new URL('./worker/train-worker.ts', import.meta.url), { type: 'module', name: 'tensile-training' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

const charts = new TrainingCharts($('chart-loss'), $('chart-accuracy'), $('chart-speed'));
const buttons = {
  train: $<HTMLButtonElement>('train'),
  pause: $<HTMLButtonElement>('pause'),
  reset: $<HTMLButtonElement>('reset'),
  save: $<HTMLButtonElement>('save'),
};
let backendBusy = true;
let running = false;
let hasModel = false;
let batchesPerEpoch = 0;
let trainSamples = 0;

function log(message: string, level: 'info' | 'error' = 'info'): void {
  const item = document.createElement('li');
  item.className = level;
  item.textContent = `${new Date().toLocaleTimeString()} ${message}`;
  $('log').prepend(item);
  if (level === 'error') console.error(`demo: ${message}`);
}

function readConfig(): TrainConfig {
  const number = (id: string, min: number, integer: boolean): number => {
    const input = $<HTMLInputElement>(id);
    const value = Number(input.value);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new Error(`${input.labels?.[0]?.textContent?.trim() ?? id}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(input.value)}`);
    }
    return value;
  };
  return {
    model: $<HTMLSelectElement>('model').value as ModelName,
    optimizer: $<HTMLSelectElement>('optimizer').value as OptimizerName,
    lr: number('lr', 1e-6, false),
    batchSize: Number($<HTMLSelectElement>('batch-size').value),
    steps: number('steps', 1, true),
    evalEvery: number('eval-every', 1, true),
  };
}

function updateButtons(): void {
  buttons.train.disabled = backendBusy || running;
  buttons.pause.disabled = backendBusy || !running;
  buttons.reset.disabled = backendBusy;
  buttons.save.disabled = backendBusy || !hasModel;
  for (const input of document.querySelectorAll<HTMLInputElement>('#backends input')) {
    input.disabled = running || backendBusy || input.dataset.available !== 'true';
  }
}

/** Runs a button's action, reporting a bad setting in the log instead of throwing. */
function guarded(action: () => void): () => void {
  return () => {
    try {
      action();
    } catch (error) {
      log((error as Error).message, 'error');
    }
  };
}

// ---- backends ------------------------------------------------------------

function showBackends(list: BackendInfo[]): BackendName {
  const preferred = (['wasm', 'cpu'] as const).find((n) => list.some((b) => b.name === n && b.available)) ?? 'cpu';
  $('backends').innerHTML = '';
  for (const info of list) {
    const label = document.createElement('label');
    label.className = `choice${info.available ? '' : ' unavailable'}`;
    label.innerHTML = `<input type="radio" name="backend" value="${info.name}"> <strong>${info.name}</strong> <span class="note"></span>`;
    const input = label.querySelector('input')!;
    input.dataset.available = String(info.available);
    input.checked = info.name === preferred;
    label.querySelector('.note')!.textContent = info.available ? info.detail : `unavailable: ${info.detail}`;
    input.addEventListener('change', () => useBackend(info.name));
    $('backends').append(label);
  }
  return preferred;
}

function useBackend(name: BackendName): void {
  backendBusy = true;
  updateButtons();
  $('backend-status').textContent = `Starting ${name}…`;
  send({ type: 'use-backend', backend: name });
}

// ---- training controls ---------------------------------------------------

buttons.train.addEventListener('click', guarded(() => {
  send({ type: 'train', config: readConfig() });
  running = true; // until the worker says otherwise
  updateButtons();
}));
buttons.pause.addEventListener('click', () => send({ type: 'pause' }));
buttons.reset.addEventListener('click', guarded(() => {
  charts.clear();
  send({ type: 'reset', config: readConfig() });
}));
$<HTMLSelectElement>('optimizer').addEventListener('change', (e) => {
  // Each optimizer's usual starting learning rate.
  $<HTMLInputElement>('lr').value = (e.target as HTMLSelectElement).value === 'adam' ? '0.001' : '0.05';
});
$<HTMLSelectElement>('model').addEventListener('change', guarded(() => {
  if (running) send({ type: 'pause' });
  charts.clear();
  send({ type: 'reset', config: readConfig() });
}));

// ---- model files ---------------------------------------------------------

buttons.save.addEventListener('click', () => send({ type: 'save' }));
$<HTMLInputElement>('upload').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const bytes = await readUploadedFile(file);
  input.value = ''; // picking the same file again still loads it
  log(`loading ${file.name} (${bytes.length.toLocaleString()} bytes)`);
  send({ type: 'load', bytes, fileName: file.name }, [bytes.buffer]);
});

// ---- drawing -------------------------------------------------------------

let predictionId = 0;
let predictScheduled = false;
const pad = new DrawPad($<HTMLCanvasElement>('pad'), () => schedulePrediction());
$('clear').addEventListener('click', () => pad.clear());

/** Predicts at most once per animation frame, on the drawing as it is then. */
function schedulePrediction(): void {
  if (predictScheduled) return;
  predictScheduled = true;
  requestAnimationFrame(() => {
    predictScheduled = false;
    const pixels = toMnistPixels(pad.ink(), 280, 280);
    drawPreview($<HTMLCanvasElement>('preview'), pixels);
    predictionId++;
    if (!pixels || !hasModel) {
      showPrediction(null);
      return;
    }
    send({ type: 'predict', id: predictionId, pixels }, [pixels.buffer]);
  });
}

function showPrediction(probabilities: number[] | null): void {
  drawProbabilities($('probabilities'), probabilities);
  const out = $('prediction');
  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  out.textContent = best >= 0 ? `${best} (${(probabilities![best] * 100).toFixed(1)}%)` : '—';
  out.dataset.digit = best >= 0 ? String(best) : '';
}

let summary: ModelSummary | undefined;
function showSummary(step: number): void {
  if (!summary) return;
  const name = summary.model === 'mlp' ? 'MLP 784-128-64-10' : 'LeNet-5';
  const from = summary.origin === 'new' ? 'a new model' : `started from ${summary.origin} at step ${summary.step}`;
  $('model-summary').textContent = `${name}, ${summary.parameters.toLocaleString()} parameters, ${step} steps trained (${from})`;
}

// ---- messages from the worker ---------------------------------------------

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready': {
      trainSamples = m.data.train;
      log(`MNIST subset loaded: ${m.data.train.toLocaleString()} training and ${m.data.test.toLocaleString()} test images`);
      useBackend(showBackends(m.backends));
      send({ type: 'restore', config: readConfig() });
      break;
    }
    case 'backend':
      backendBusy = false;
      $('backend-status').textContent = `Running on ${m.detail}`;
      $('backend-status').dataset.backend = m.backend;
      log(`backend: ${m.detail}`);
      updateButtons();
      break;
    case 'model': {
      hasModel = true;
      summary = m.summary;
      showSummary(m.summary.step);
      $('model-summary').dataset.origin = m.summary.origin;
      $<HTMLSelectElement>('model').value = m.summary.model;
      updateButtons();
      schedulePrediction();
      break;
    }
    case 'state': {
      running = m.running;
      showSummary(m.step);
      const batch = Number($<HTMLSelectElement>('batch-size').value);
      batchesPerEpoch = Math.floor(trainSamples / batch) || 1;
      const epochs = (m.step / batchesPerEpoch).toFixed(2);
      $('progress').textContent = `${running ? 'Training' : 'Stopped'}: step ${m.step} of ${m.target} (epoch ${epochs} of the ${trainSamples.toLocaleString()}-image subset)`;
      $('progress').dataset.step = String(m.step);
      $('progress').dataset.running = String(running);
      const bar = $<HTMLProgressElement>('progress-bar');
      bar.max = Math.max(1, m.target);
      bar.value = m.step;
      updateButtons();
      break;
    }
    case 'train-points':
      charts.addTrain(m.points);
      break;
    case 'eval':
      charts.addEval(m.result);
      $('test-accuracy').textContent = `${(m.result.accuracy * 100).toFixed(1)}% accuracy, loss ${m.result.loss.toFixed(3)} (${m.result.samples.toLocaleString()} images, step ${m.result.step})`;
      $('test-accuracy').dataset.value = String(m.result.accuracy);
      $('test-accuracy').dataset.step = String(m.result.step);
      drawConfusion($<HTMLTableElement>('confusion'), m.result.confusion);
      schedulePrediction(); // the weights changed: so may the prediction
      break;
    case 'weights': {
      const kind = m.tiles.height === 28 ? `${m.tiles.count} hidden units, one 28×28 tile each` : `${m.tiles.count} kernels of ${m.tiles.height}×${m.tiles.width}`;
      $('weights-caption').textContent = `First-layer weights (${m.tiles.layer}): ${kind}; red positive, blue negative.`;
      drawWeightTiles($<HTMLCanvasElement>('weights'), m.tiles);
      break;
    }
    case 'prediction':
      if (m.id === predictionId) showPrediction(m.probabilities);
      break;
    case 'saved':
      browserDownload(m.bytes, m.fileName);
      log(`saved ${m.fileName} (${m.bytes.length.toLocaleString()} bytes) and kept it in IndexedDB`);
      break;
    case 'memory':
      $('memory').textContent = `Live tensors: ${m.tensors}, backend memory: ${(m.bytes / 1048576).toFixed(2)} MiB`;
      break;
    case 'log':
      if (m.level === 'error' && backendBusy) {
        // The switch failed; the worker keeps the backend it had.
        backendBusy = false;
        $('backend-status').textContent = `Could not start that backend: ${m.message}`;
      }
      log(m.message, m.level);
      updateButtons();
      break;
  }
};
worker.onerror = (e) => log(`training worker failed: ${e.message}`, 'error');

$('isolation').textContent = globalThis.crossOriginIsolated
  ? 'Cross-origin isolated: the wasm backend may run on several threads.'
  : 'Not cross-origin isolated (no COOP/COEP headers): the wasm backend runs on one thread.';
drawProbabilities($('probabilities'), null);
updateButtons();
send({ type: 'init', base: new URL(import.meta.env.BASE_URL, document.baseURI).href });
