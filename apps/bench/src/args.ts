import { ALL_CASES, type CaseName } from './results.js';

export type OurBackend = 'cpu' | 'wasm' | 'native' | 'webgpu';
export const ALL_BACKENDS: OurBackend[] = ['cpu', 'wasm', 'native', 'webgpu'];
/** Peer frameworks (openblas: OpenBLAS's sgemm called from a C program); `--peers none` measures only ours. */
export type Peer = 'tfjs-cpu' | 'tfjs-wasm' | 'torch' | 'openblas';
export const ALL_PEERS: Peer[] = ['tfjs-cpu', 'tfjs-wasm', 'torch', 'openblas'];

export interface Options {
  cases: CaseName[];
  backends: OurBackend[];
  peers: Peer[];
  quick: boolean;
  json: string | null;
}

export const USAGE = `usage: pnpm bench [--cases sgemm,mlp,lenet] [--backends cpu,wasm,native,webgpu]
                  [--peers tfjs-cpu,tfjs-wasm,torch,openblas|none] [--quick] [--json out.json]`;

function list<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (value === undefined) throw new Error(`bench: ${flag} needs a value (one or more of ${allowed.join(',')})`);
  if (value === 'none') return [];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`bench: ${flag} got '${item}', expected one of ${allowed.join(',')}`);
  }
  return items as T[];
}

/** Parses the command line (without node and the script). */
export function parseArgs(argv: string[]): Options {
  const opts: Options = { cases: [...ALL_CASES], backends: [...ALL_BACKENDS], peers: [...ALL_PEERS], quick: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--cases':
        opts.cases = list(flag, value(), ALL_CASES);
        break;
      case '--backends':
        opts.backends = list(flag, value(), ALL_BACKENDS);
        break;
      case '--peers':
        opts.peers = list(flag, value(), ALL_PEERS);
        break;
      case '--quick':
        opts.quick = true;
        break;
      case '--json': {
        const path = value();
        if (!path) throw new Error('bench: --json needs a file path');
        opts.json = path;
        break;
      }
      case '--':
        break; // pnpm passes it through
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`bench: unknown argument '${arg}'\n${USAGE}`);
    }
  }
  return opts;
}
