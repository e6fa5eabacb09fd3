import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tensile, weights } from './run.js';

// The process dies (SIGKILL, no clean-up) at every stage of saving; --resume must then give
// the same metrics.jsonl and weights as a run that never died.

/** metrics.jsonl without wall-clock times. */
function metrics(out: string): Record<string, unknown>[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { seconds: _, ...rest } = JSON.parse(l);
      return rest;
    });
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing`);
  dir = mkdtempSync(join(tmpdir(), 'tensile-cli-crash-'));
  // 450 training samples in batches of 50: 9 steps per epoch; a step checkpoint every 4 steps (mid-epoch).
  const config = [
    'epochs: 2',
    'batchSize: 50',
    'checkpointEverySteps: 4',
    'backend: cpu',
    'data: { name: mnist, config: { flatten: true, normalize: true }, train: { split: train }, test: { split: test }, limit: 500, testLimit: 100 }',
    'model: [{ Linear: { inFeatures: 784, outFeatures: 32 } }, ReLU, { Linear: { inFeatures: 32, outFeatures: 10 } }]',
    'optimizer: { name: SGD, lr: 0.05, momentum: 0.9 }',
    'schedule: { name: StepLR, stepSize: 1, gamma: 0.5 }',
  ];
  writeFileSync(join(dir, 'small.yaml'), `${config.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint and metrics.jsonl agree whenever the process dies', () => {
  it('a kill at every stage, then --resume, ends exactly as an uninterrupted run', () => {
    expect(tensile(['train', 'small.yaml', '--quiet', '--out', 'straight'], dir).code).toBe(0);
    const expected = metrics(join(dir, 'straight'));
    expect(expected.map((l) => l.epoch)).toEqual([1, 2, undefined]);
    const stages = [
      'after-step-checkpoint:1', // mid-epoch 1 (step 4): the resumed epoch's loss and accuracy must still cover all 9 batches
      'epoch-end:1', // epoch 1 computed, nothing written
      'after-best:1', // checkpoint-best written, checkpoint-last not yet
      'after-last:1', // checkpoint-last renamed into place, metrics line not appended
      'after-last:2', // the last epoch saved; model, test line not yet
    ];
    for (const stage of stages) {
      const out = stage.replace(':', '-');
      const killed = tensile(['train', 'small.yaml', '--quiet', '--out', out], dir, { ...process.env, TENSILE_TEST_DIE_AT: stage });
      expect(killed.code, stage).toBe(137); // SIGKILL
      const resumed = tensile(['train', '--resume', '--quiet', '--out', out], dir);
      expect(resumed.stderr, stage).toBe('');
      expect(resumed.code, stage).toBe(0);
      expect(metrics(join(dir, out)), stage).toEqual(expected);
      expect(weights(join(dir, out, 'model.tensile')).equals(weights(join(dir, 'straight', 'model.tensile'))), stage).toBe(true);
      expect(readFileSync(join(dir, out, 'checkpoint-best.safetensors')).length, stage).toBeGreaterThan(0);
    }
  }, 180_000);
});
