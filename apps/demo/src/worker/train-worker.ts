/**
 * The training worker: owns the backend, the model and the data, so the
 * page stays responsive while a step runs (and so the wasm backend may block
 * its threads, which a page's main thread may not).
 */
import type { FromWorker, ToWorker } from '../protocol.js';
import { detectBackends } from './backends.js';
import { loadMnistSubset } from './data.js';
import { Session } from './session.js';

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

let session: Promise<Session> | undefined;

async function start(base: string): Promise<Session> {
  const [backends, data] = await Promise.all([detectBackends(), loadMnistSubset(new URL(base))]);
  await Promise.all([data.train.load(), data.test.load()]);
  const s = new Session(data, post);
  post({ type: 'ready', backends, data: { train: data.train.length, test: data.test.length } });
  return s;
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
  void session.then((s) => handle(s, message)).catch(report);
};

async function handle(s: Session, message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'use-backend':
      return s.useBackend(message.backend);
    case 'restore':
      if (!(await s.restoreLast().catch((error) => (report(error), false)))) await s.reset(message.config);
      return;
    case 'train':
      return s.train(message.config);
    case 'pause':
      return s.pause();
    case 'reset':
      return s.reset(message.config);
    case 'predict':
      return s.predict(message.id, message.pixels);
    case 'save':
      return s.save();
    case 'load':
      return s.load(message.bytes, message.fileName);
    case 'init':
      return;
  }
}
