/**
 * The training worker: owns the backend, the model and the data, so the
 * page stays responsive while a step runs (and so the wasm backend may block
 * its threads, which a page's main thread may not).
 */
import type { FromWorker, ModelName, ToWorker } from '../protocol.js';
import { detectBackends } from './backends.js';
import { loadMnistSubset } from './data.js';
import { ModelFileError, Session } from './session.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = globalThis as unknown as WorkerScope;

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
const report = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  post({ type: 'log', level: 'error', message });
};
/** A rejection handler that reports the error and settles with `fallback`. */
const reportedAs =
  <T>(fallback: T) =>
  (error: unknown): T => {
    report(error);
    return fallback;
  };

/** A command's failure, reported to the page with the command, so it is shown beside the control that sent it. */
const fail = (command: ToWorker['type'], error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const detail = error instanceof ModelFileError ? error.detail : undefined;
  post({ type: 'failed', command, message, detail });
};

let session: Promise<Session> | undefined;
let siteBase: URL | undefined;

async function start(base: string): Promise<Session> {
  siteBase = new URL(base);
  const [backends, data] = await Promise.all([detectBackends(), loadMnistSubset(siteBase)]);
  await Promise.all([data.train.load(), data.test.load()]);
  const s = new Session(data, post);
  post({ type: 'ready', backends, data: { train: data.train.length, test: data.test.length }, samples: data.samples });
  return s;
}

/** The pretrained model the site ships for a kind (made by scripts/pretrain.mjs with the tensile CLI). */
async function fetchPretrained(kind: ModelName): Promise<Uint8Array> {
  const url = new URL(`pretrained/mnist-${kind}.tensile`, siteBase);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the pretrained ${kind} model is missing from this site (${url.pathname}: HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    session ??= start(message.base);
    session.catch(report);
    return;
  }
  if (!session) {
    report(`worker: '${message.type}' arrived before 'init'`);
    return;
  }
  void session.then((s) => handle(s, message)).catch((error) => fail(message.type, error));
};

async function handle(s: Session, message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'use-backend':
      return s.useBackend(message.backend);
    case 'restore': {
      // The last session's model, else the pretrained one (so drawing works at once), else a new one.
      if (await s.restoreLast().catch(reportedAs(false))) return;
      const pretrained = await fetchPretrained(message.config.model).catch(reportedAs(null));
      if (!pretrained || !(await s.loadPretrained(pretrained).then(() => true, reportedAs(false)))) await s.reset(message.config);
      return;
    }
    case 'pretrained':
      return s.loadPretrained(await fetchPretrained(message.model));
    case 'train':
      return s.train(message.config, message.fresh);
    case 'pause':
      return s.pause();
    case 'reset':
      return s.reset(message.config);
    case 'predict':
      return s.predict(message.id, message.pixels);
    case 'save':
      return s.save();
    case 'save-onnx':
      return s.saveOnnx();
    case 'load':
      return s.load(message.bytes, message.fileName);
    case 'init':
      return;
  }
}
