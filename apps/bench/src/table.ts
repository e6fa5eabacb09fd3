import type { Peak } from './peak.js';
import type { Row } from './results.js';

export interface Peaks {
  native: Peak;
  wasmSimd: Peak;
}

const PEER_GROUPS = ['tfjs-cpu', 'tfjs-wasm', 'torch', 'openblas'] as const;

/**
 * The figure to compare `ours` with among `candidates`: those on the same
 * thread count where any are (PyTorch on 1 thread for our 1-thread row), else
 * the best of all (peers at their best).
 */
function peerFor(ours: Row, candidates: Row[]): number | null {
  const measured = candidates.filter((r) => r.value !== null);
  const same = measured.filter((r) => r.threads !== undefined && r.threads === ours.threads);
  const values = (same.length ? same : measured).map((r) => r.value!);
  return values.length ? Math.max(...values) : null;
}

/** Our wasm backend's rows of the same kind (core ops or layers+optim) as `ours`. */
function wasmRows(ours: Row, rows: Row[]): Row[] {
  const kind = ours.impl.replace(/^tensile \S+ [^(]*/, '');
  return rows.filter((r) => r.group === 'ours' && r.impl.startsWith('tensile wasm') && r.impl.replace(/^tensile \S+ [^(]*/, '') === kind);
}

function fmt(v: number): string {
  if (v >= 10000) return Math.round(v).toLocaleString('en-US');
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Ratios to two significant digits, so 0.0012x does not print as 0.00x. */
const ratio = (x: number): string => `${x >= 10 ? x.toFixed(1) : x.toPrecision(2)}x`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

/** The results table: each figure, % of the measured peaks for GFLOP/s, and ours / each peer's best. */
export function formatTable(rows: Row[], peaks: Peaks): string {
  const out: string[] = [];
  const nativeName = '%native';
  const wasmName = '%wasm-pk';
  const peerColumns = PEER_GROUPS.map((g) => lpad(`÷${g}`, 11));
  const header = [pad('', 44), lpad('value', 11), lpad(nativeName, 9), lpad(wasmName, 9), lpad('÷wasm', 9), ...peerColumns].join('');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.case} ${r.size}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const notes: string[] = [];
  for (const [key, group] of groups) {
    out.push('', `${key} (${group[0]!.unit})`, header);
    for (const r of group) {
      let line = `  ${pad(r.impl, 42)}`;
      if (r.value === null) {
        notes.push(`${key}, ${r.impl}: ${r.how}`);
        out.push(`${line}${lpad('—', 11)}  (${notes.length ? `see note ${notes.length}` : ''})`);
        continue;
      }
      line += lpad(fmt(r.value), 11);
      // % of the one-core peaks times the row's threads
      const pct = (p: Peak) =>
        r.unit === 'GFLOP/s' && p.gflops ? `${((100 * r.value!) / (p.gflops * (r.threads ?? 1))).toFixed(0)}%` : '';
      line += lpad(pct(peaks.native), 9) + lpad(pct(peaks.wasmSimd), 9);
      if (r.group === 'ours') {
        const wasm = r.impl.startsWith('tensile wasm') ? null : peerFor(r, wasmRows(r, group));
        line += lpad(wasm ? ratio(r.value! / wasm) : '', 9);
        line += PEER_GROUPS.map((g) => {
          const peer = peerFor(
            r,
            group.filter((p) => p.group === g),
          );
          return lpad(peer ? ratio(r.value! / peer) : '—', 11);
        }).join('');
      }
      out.push(line);
    }
  }
  out.push('', 'How each figure was measured:');
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.value === null) continue;
    const line = `  ${r.case} ${r.impl}: ${r.how.replace(/,? best of \d+ chunks( \(\d+ \w+\))?/, '')}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  out.push(
    '  Timing: warm-up, then the best of several chunks of iterations (each ≥ the minimum time);',
    '  every iteration ends with a read of the loss, or of one element of the product (sgemm; torch and OpenBLAS read none).',
  );
  out.push(
    `  Peaks: native ${peaks.native.gflops ? `${fmt(peaks.native.gflops)} GFLOP/s` : '—'} (${peaks.native.how});`,
    `         wasm SIMD ${peaks.wasmSimd.gflops ? `${fmt(peaks.wasmSimd.gflops)} GFLOP/s` : '—'} (${peaks.wasmSimd.how}).`,
  );
  out.push(
    `  Ratios (÷peer) compare each of ours with that peer on the same thread count where it ran on it, else with its best`,
    `  figure in the same case; ÷wasm compares with our wasm backend (same thread count, same kind of step).`,
    `  %native and %wasm-pk are of one core's peak times the row's threads.`,
  );
  if (notes.length) {
    out.push('', 'Notes:');
    notes.forEach((n, i) => out.push(`  ${i + 1}. ${n}`));
  }
  return out.join('\n');
}
