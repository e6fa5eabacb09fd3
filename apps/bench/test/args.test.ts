import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';

describe('bench arguments', () => {
  it('defaults to every case, backend and peer', () => {
    expect(parseArgs([])).toEqual({
      cases: ['sgemm', 'mlp', 'lenet'],
      backends: ['cpu', 'wasm', 'native', 'webgpu'],
      peers: ['tfjs-cpu', 'tfjs-wasm', 'torch', 'openblas'],
      quick: false,
      json: null,
    });
  });

  it('takes lists, --flag=value, --quick, --json and none', () => {
    const o = parseArgs(['--cases', 'mlp,lenet', '--backends=wasm', '--peers', 'none', '--quick', '--json', 'o.json']);
    expect(o).toEqual({ cases: ['mlp', 'lenet'], backends: ['wasm'], peers: [], quick: true, json: 'o.json' });
  });

  it('names the flag and the allowed values on bad input', () => {
    expect(() => parseArgs(['--cases', 'sgemm,conv'])).toThrow("--cases got 'conv', expected one of sgemm,mlp,lenet");
    expect(() => parseArgs(['--backends'])).toThrow('--backends needs a value');
    expect(() => parseArgs(['--fast'])).toThrow("unknown argument '--fast'");
  });
});
