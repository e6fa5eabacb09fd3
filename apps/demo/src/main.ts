/**
 * The page: controls, charts, the drawing pad and the model views. All
 * tensor work happens in the training worker (src/worker/); this thread
 * only sends it commands and draws what it reports. Results and errors are
 * shown beside the control that caused them, and the important moments are
 * announced to screen readers (#announce).
 */
import { browserDownload, readUploadedFile } from '@tensile/io';
import type {
  BackendInfo,
  BackendName,
  FromWorker,
  ModelName,
  ModelSummary,
  OptimizerName,
  SampleImages,
  ToWorker,
  TrainConfig,
} from './protocol.js';
import { TrainingCharts, type ChartHistory } from './ui/charts.js';
import { DrawPad } from './ui/draw-pad.js';
import { toMnistPixels } from './ui/preprocess.js';
import { drawConfusion, drawPreview, drawProbabilities, drawSamples, drawWeightTiles } from './ui/views.js';
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
  pretrained: $<HTMLButtonElement>('pretrained'),
  save: $<HTMLButtonElement>('save'),
  saveOnnx: $<HTMLButtonElement>('save-onnx'),
  load: $<HTMLButtonElement>('load'),
};
let backendBusy = true;
let running = false;
/** Train was pressed and the run has not started yet: 'stopped' states from the work before it (a new model made first) are not the end of it. */
let awaitingStart = false;
let hasModel = false;
let trainSamples = 0;
let summary: ModelSummary | undefined;
let state = { step: 0, target: 0 };
let samples: { train: SampleImages; test: SampleImages } | undefined;

function log(message: string, level: 'info' | 'error' = 'info'): void {
  const item = document.createElement('li');
  item.className = level;
  item.textContent = `${new Date().toLocaleTimeString()} ${message}`;
  $('log').prepend(item);
}

/** Says something to screen-reader users (a polite live region), once. */
function announce(text: string): void {
  const region = $('announce');
  region.textContent = region.textContent === text ? `${text} ` : text; // a repeat is still read
}

/** A message beside a control: an error (red, role=alert regions) or a result. */
function showMessage(id: string, text: string, kind: 'error' | 'ok' | 'info' = 'info', detail?: string): void {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', kind === 'error');
  el.classList.toggle('ok', kind === 'ok');
  if (detail) el.append(Object.assign(document.createElement('span'), { className: 'detail', textContent: `Details: ${detail}` }));
}

// ---- settings ----------------------------------------------------------------

class SettingError extends Error {
  constructor(
    message: string,
    readonly input: HTMLInputElement,
  ) {
    super(message);
  }
}

function readConfig(): TrainConfig {
  const number = (id: string, min: number, max: number, integer: boolean): number => {
    const input = $<HTMLInputElement>(id);
    const value = Number(input.value);
    const name = input.labels?.[0]?.firstChild?.textContent?.trim() ?? id;
    if (input.value.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      const what = integer ? 'a whole number' : 'a number';
      throw new SettingError(`${name} must be ${what} from ${min} to ${max} (it is “${input.value}”).`, input);
    }
    return value;
  };
  return {
    model: $<HTMLSelectElement>('model').value as ModelName,
    optimizer: $<HTMLSelectElement>('optimizer').value as OptimizerName,
    lr: number('lr', 1e-5, 10, false),
    batchSize: Number($<HTMLSelectElement>('batch-size').value),
    steps: number('steps', 1, 100_000, true),
    evalEvery: number('eval-every', 1, 100_000, true),
  };
}

/** Runs an action that reads the settings; a bad setting is shown under the form, its field marked and focused. */
function withConfig(action: (config: TrainConfig) => void): () => void {
  return () => {
    for (const input of document.querySelectorAll<HTMLInputElement>('#config input')) input.removeAttribute('aria-invalid');
    showMessage('config-error', '');
    try {
      action(readConfig());
    } catch (error) {
      if (!(error instanceof SettingError)) throw error;
      error.input.setAttribute('aria-invalid', 'true');
      showMessage('config-error', `${error.message} Nothing was started.`, 'error');
      error.input.focus();
    }
  };
}
for (const input of document.querySelectorAll<HTMLInputElement>('#config input')) {
  input.addEventListener('input', () => {
    if (input.getAttribute('aria-invalid') !== 'true') return;
    input.removeAttribute('aria-invalid');
    showMessage('config-error', '');
  });
}

/** Pretrained and not trained here: Train starts a new model (the visitor came to watch one learn). */
const trainsFromScratch = () => summary?.origin === 'pretrained' && state.step === 0;

function updateButtons(): void {
  const focused = document.activeElement;
  buttons.train.disabled = backendBusy || running;
  buttons.pause.disabled = backendBusy || !running;
  buttons.reset.disabled = backendBusy;
  buttons.pretrained.disabled = backendBusy || running;
  buttons.save.disabled = backendBusy || !hasModel;
  buttons.saveOnnx.disabled = backendBusy || !hasModel;
  buttons.train.textContent = trainsFromScratch() ? 'Train from scratch' : 'Train';
  for (const input of document.querySelectorAll<HTMLInputElement>('#backends input')) {
    input.disabled = running || backendBusy || input.dataset.available !== 'true';
  }
  // A button that disables itself would drop keyboard focus to the page: hand it to its partner.
  if (focused === buttons.train && buttons.train.disabled && !buttons.pause.disabled) buttons.pause.focus();
  if (focused === buttons.pause && buttons.pause.disabled && !buttons.train.disabled) buttons.train.focus();
}

// ---- backends ------------------------------------------------------------

function showBackends(list: BackendInfo[]): BackendName {
  const preferred = (['wasm', 'cpu'] as const).find((n) => list.some((b) => b.name === n && b.available)) ?? 'cpu';
  $('backends').innerHTML = '';
  for (const info of list) {
    const label = document.createElement('label');
    label.className = `choice${info.available ? '' : ' unavailable'}${info.software ? ' software' : ''}`;
    label.innerHTML = `<input type="radio" name="backend" value="${info.name}"><span><strong>${info.name}</strong><span class="note"></span></span>`;
    const input = label.querySelector('input')!;
    input.dataset.available = String(info.available);
    if (info.software) input.dataset.software = 'true';
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

buttons.train.addEventListener(
  'click',
  withConfig((config) => {
    const fresh = trainsFromScratch();
    showMessage('train-message', '');
    showMessage('file-message', ''); // an earlier load's result no longer describes the model
    if (fresh) charts.clear();
    send({ type: 'train', config, fresh });
    running = true; // until the worker says otherwise
    awaitingStart = true;
    updateButtons();
    announce(fresh ? 'Training a new model from scratch.' : 'Training started.');
  }),
);
buttons.pause.addEventListener('click', () => send({ type: 'pause' }));
buttons.reset.addEventListener(
  'click',
  withConfig((config) => {
    showMessage('train-message', '');
    showMessage('file-message', '');
    charts.clear();
    send({ type: 'reset', config });
  }),
);
buttons.pretrained.addEventListener('click', () => {
  showMessage('train-message', '');
  send({ type: 'pretrained', model: $<HTMLSelectElement>('model').value as ModelName });
});
$<HTMLSelectElement>('optimizer').addEventListener('change', (e) => {
  // Each optimizer's usual starting learning rate.
  $<HTMLInputElement>('lr').value = (e.target as HTMLSelectElement).value === 'adam' ? '0.001' : '0.05';
});
$<HTMLSelectElement>('model').addEventListener(
  'change',
  withConfig((config) => {
    if (running) send({ type: 'pause' });
    charts.clear();
    send({ type: 'reset', config });
  }),
);

function showProgress(): void {
  const { step, target } = state;
  const epochs = (n: number) => (n / Math.max(1, Math.floor(trainSamples / Number($<HTMLSelectElement>('batch-size').value)))).toFixed(2);
  let text: string;
  if (running) text = `Training: step ${step} of ${target} (epoch ${epochs(step)} of the ${trainSamples.toLocaleString()}-image subset)`;
  else if (trainsFromScratch())
    text = 'A pretrained model is loaded: draw a digit, or press “Train from scratch” to watch a new one learn.';
  else if (target === 0 || step === 0) text = 'Not trained yet: press Train.';
  else if (step < target) text = `Paused at step ${step} of ${target}: Train resumes.`;
  else text = `Done: ${step} steps (epoch ${epochs(step)}). Train runs more.`;
  $('progress').textContent = text;
  const bar = $<HTMLProgressElement>('progress-bar');
  bar.max = Math.max(1, target);
  bar.value = step;
}

// ---- model files ---------------------------------------------------------

buttons.save.addEventListener('click', () => send({ type: 'save' }));
buttons.saveOnnx.addEventListener('click', () => send({ type: 'save-onnx' }));
buttons.load.addEventListener('click', () => $<HTMLInputElement>('upload').click());
$<HTMLInputElement>('upload').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const bytes = await readUploadedFile(file);
  input.value = ''; // picking the same file again still loads it
  showMessage('file-message', `Loading ${file.name}…`);
  log(`loading ${file.name} (${bytes.length.toLocaleString()} bytes)`);
  send({ type: 'load', bytes, fileName: file.name }, [bytes.buffer]);
});

// ---- drawing -------------------------------------------------------------

let predictionId = 0;
let predictScheduled = false;
let announceTimer: ReturnType<typeof setTimeout> | undefined;
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
  out.textContent = best >= 0 ? `${best}` : '—';
  out.title = best >= 0 ? `${(probabilities![best] * 100).toFixed(1)}% sure` : '';
  out.dataset.digit = best >= 0 ? String(best) : '';
  // Announced once the drawing rests, not at every stroke.
  clearTimeout(announceTimer);
  if (best >= 0)
    announceTimer = setTimeout(() => announce(`The network reads a ${best}, ${(probabilities![best] * 100).toFixed(0)}% sure.`), 800);
}

function modelName(kind: ModelName): string {
  return kind === 'mlp' ? 'MLP 784-128-64-10' : 'LeNet-5';
}

function showSummary(): void {
  if (!summary) return;
  const from =
    summary.origin === 'new'
      ? 'a new model'
      : summary.origin === 'pretrained'
        ? 'started from the pretrained model'
        : `started from ${summary.origin}`;
  $('model-summary').textContent =
    `${modelName(summary.model)}, ${summary.parameters.toLocaleString()} parameters, ${state.step} steps trained here (${from})`;
}

// ---- the pretrained models' story (public/pretrained/manifest.json) ---------

interface PretrainedManifest {
  trainedWith: string;
  models: Record<ModelName, { bytes: number; command: string; epochs: number; testAccuracy: number; testImages: number }>;
}
void fetch(new URL('pretrained/manifest.json', document.baseURI))
  .then((r) => (r.ok ? r.json() : undefined))
  .then((m: PretrainedManifest | undefined) => {
    if (!m) return;
    const lines = (Object.entries(m.models) as [ModelName, PretrainedManifest['models'][ModelName]][]).map(
      ([kind, p]) =>
        `${modelName(kind)}: ${p.epochs} epochs, ${(p.testAccuracy * 100).toFixed(2)}% on MNIST's ${p.testImages.toLocaleString()} test images, ${Math.round(p.bytes / 1024)} KB (\`${p.command}\`)`,
    );
    $('pretrained-note').textContent = `Pretrained models shipped with this page were trained by ${m.trainedWith}. ${lines.join('. ')}.`;
  })
  .catch(() => {});

// ---- chart history across reloads -------------------------------------------

const CHARTS_KEY = 'tensile-demo-charts';
charts.onChange = (history) => {
  try {
    localStorage.setItem(CHARTS_KEY, JSON.stringify(history));
  } catch {
    // Storage full or off: the charts simply start empty next time.
  }
};
function restoreCharts(step: number): void {
  try {
    const saved = JSON.parse(localStorage.getItem(CHARTS_KEY) ?? 'null') as ChartHistory | null;
    if (saved?.steps.length && saved.steps[saved.steps.length - 1] <= step) charts.restore(saved);
  } catch {
    // Unreadable: start empty.
  }
}

// ---- the large numbers beside the charts ------------------------------------

function showStat(id: string, text: string): void {
  $(id).textContent = text;
}

// ---- messages from the worker ---------------------------------------------

let restoredCharts = false;
worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready': {
      trainSamples = m.data.train;
      samples = m.samples;
      $('train-samples').setAttribute('aria-label', drawSamples($<HTMLCanvasElement>('train-samples'), m.samples.train, null));
      log(`MNIST subset loaded: ${m.data.train.toLocaleString()} training and ${m.data.test.toLocaleString()} test images`);
      useBackend(showBackends(m.backends));
      withConfig((config) => send({ type: 'restore', config }))();
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
      const replaced = summary?.origin !== m.summary.origin || m.summary.step < state.step;
      hasModel = true;
      summary = m.summary;
      state = { step: m.summary.step, target: m.summary.step };
      showSummary();
      $('model-summary').dataset.origin = m.summary.origin;
      $<HTMLSelectElement>('model').value = m.summary.model;
      if (m.summary.origin === 'IndexedDB (last session)' && !restoredCharts) {
        restoredCharts = true;
        restoreCharts(m.summary.step);
      } else if (replaced && (m.summary.origin === 'new' || m.summary.origin === 'pretrained')) {
        charts.clear();
      }
      updateButtons();
      showProgress();
      schedulePrediction();
      break;
    }
    case 'state': {
      const wasRunning = running;
      if (m.running) awaitingStart = false;
      running = m.running || awaitingStart;
      state = { step: m.step, target: m.target };
      showSummary();
      $('progress').dataset.step = String(m.step);
      $('progress').dataset.running = String(running);
      showProgress();
      updateButtons();
      if (wasRunning && !running) announce(`Training stopped at step ${m.step}. Test accuracy ${$('stat-accuracy').textContent}.`);
      break;
    }
    case 'train-points': {
      charts.addTrain(m.points);
      const last = m.points[m.points.length - 1];
      showStat('stat-loss', last.loss.toFixed(3));
      showStat('stat-speed', Math.round(last.samplesPerSecond).toLocaleString());
      break;
    }
    case 'eval':
      charts.addEval(m.result);
      showStat('stat-accuracy', `${(m.result.accuracy * 100).toFixed(1)}%`);
      $('test-accuracy').textContent =
        `${(m.result.accuracy * 100).toFixed(1)}% accuracy, loss ${m.result.loss.toFixed(3)} (${m.result.samples.toLocaleString()} images, step ${m.result.step})`;
      $('test-accuracy').dataset.value = String(m.result.accuracy);
      $('test-accuracy').dataset.step = String(m.result.step);
      drawConfusion($<HTMLTableElement>('confusion'), m.result.confusion);
      if (samples) {
        const words = drawSamples($<HTMLCanvasElement>('test-samples'), samples.test, m.result.examples);
        $('test-samples').setAttribute('aria-label', words);
        $('test-samples').dataset.mistakes = String(m.result.examples.filter((p, i) => p !== samples!.test.labels[i]).length);
      }
      schedulePrediction(); // the weights changed: so may the prediction
      break;
    case 'weights': {
      const kind =
        m.tiles.height === 28
          ? `${m.tiles.count} hidden units, one 28×28 tile each`
          : `${m.tiles.count} kernels of ${m.tiles.height}×${m.tiles.width}`;
      $('weights-caption').textContent = `First-layer weights (${m.tiles.layer}): ${kind}; red positive, blue negative.`;
      $('weights').setAttribute('aria-label', `First-layer weights drawn as images: ${kind}`);
      drawWeightTiles($<HTMLCanvasElement>('weights'), m.tiles);
      break;
    }
    case 'prediction':
      if (m.id === predictionId) showPrediction(m.probabilities);
      break;
    case 'saved':
      browserDownload(m.bytes, m.fileName);
      showMessage(
        'file-message',
        `Saved ${m.fileName} (${Math.round(m.bytes.length / 1024)} KB) to your downloads; also kept in this browser.`,
        'ok',
      );
      log(`saved ${m.fileName} (${m.bytes.length.toLocaleString()} bytes) and kept it in IndexedDB`);
      break;
    case 'saved-onnx':
      browserDownload(m.bytes, m.fileName);
      showMessage(
        'file-message',
        `Saved ${m.fileName} (${Math.round(m.bytes.length / 1024)} KB): ONNX for ONNX Runtime; input 'image' [batch, 1, 28, 28] normalized as in training ((x − 0.1307) / 0.3081), output 'logits'.`,
        'ok',
      );
      log(`saved ${m.fileName} (${m.bytes.length.toLocaleString()} bytes) as ONNX`);
      break;
    case 'loaded':
      showMessage(
        'file-message',
        `Loaded ${m.origin}: ${summary ? modelName(summary.model) : 'the model'}, ready to draw on and to train further.`,
        'ok',
      );
      announce(`Loaded ${m.origin}.`);
      log(`loaded ${m.origin} (${m.bytes.toLocaleString()} bytes)`);
      break;
    case 'memory':
      $('memory').textContent = `Live tensors: ${m.tensors}, backend memory: ${(m.bytes / 1048576).toFixed(2)} MiB`;
      break;
    case 'failed':
      if (m.command === 'train') {
        awaitingStart = false;
        running = false;
      }
      showFailure(m.command, m.message, m.detail);
      updateButtons();
      break;
    case 'log':
      log(m.message, m.level);
      updateButtons();
      break;
  }
};
worker.onerror = (e) => {
  console.error(`demo: training worker failed: ${e.message}`);
  showMessage('train-message', `The training worker stopped: ${e.message}. Reload the page to start again.`, 'error');
  log(`training worker failed: ${e.message}`, 'error');
};

/** Shows a failed command beside its control, in words a visitor understands. */
function showFailure(command: ToWorker['type'], message: string, detail?: string): void {
  log(detail ? `${message} (${detail})` : message, 'error');
  switch (command) {
    case 'load':
      showMessage('file-message', `Could not load: ${message} Your current model is unchanged.`, 'error', detail);
      announce('The file could not be loaded.');
      break;
    case 'save':
      showMessage('file-message', `Could not save: ${message}`, 'error');
      break;
    case 'save-onnx':
      showMessage('file-message', `Could not export as ONNX: ${message}`, 'error');
      break;
    case 'use-backend':
      backendBusy = false;
      $('backend-status').textContent = `Could not start that backend (${message}); still running on the previous one.`;
      break;
    default:
      showMessage('train-message', message, 'error');
      // Not a visitor's mistake (those are shown and handled above): a fault the tests must see.
      if (command !== 'train' || !/the loss became/.test(message)) console.error(`demo: ${command} failed: ${message}`);
  }
}

drawProbabilities($('probabilities'), null);
updateButtons();
send({ type: 'init', base: new URL(import.meta.env.BASE_URL, document.baseURI).href });
