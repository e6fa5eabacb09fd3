import type { Peak } from './peak.js';
import type { Row } from './results.js';

export interface Peaks {
  native: Peak;
  wasmSimd: Peak;
}

const PEER_GROUPS = ['tfjs-cpu', 'tfjs-wasm', 'torch'] as const;

/** The best figure a peer group reached for one case and size (peers at their best). */
function bestOf(rows: Row[], group: Row['group']): number | null {
  const values = rows.filter((r) => r.group === group && r.value !== null).map((r) => r.value!);
  return values.length ? Math.max(...values) : null;
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
  const header = [pad('', 40), lpad('value', 11), lpad(nativeName, 9), lpad(wasmName, 9), ...peerColumns].join('');
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.case} ${r.size}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const notes: string[] = [];
  for (const [key, group] of groups) {
    out.push('', `${key} (${group[0]!.unit})`, header);
    const best = Object.fromEntries(PEER_GROUPS.map((g) => [g, bestOf(group, g)]));
    for (const r of group) {
      let line = `  ${pad(r.impl, 38)}`;
      if (r.value === null) {
        notes.push(`${key}, ${r.impl}: ${r.how}`);
        out.push(`${line}${lpad('—', 11)}  (${notes.length ? `see note ${notes.length}` : ''})`);
        continue;
      }
      line += lpad(fmt(r.value), 11);
      const pct = (p: Peak) => (r.unit === 'GFLOP/s' && p.gflops ? `${((100 * r.value!) / p.gflops).toFixed(0)}%` : '');
      line += lpad(pct(peaks.native), 9) + lpad(pct(peaks.wasmSimd), 9);
      if (r.group === 'ours') {
        line += PEER_GROUPS.map((g) => lpad(best[g] ? ratio(r.value! / best[g]!) : '—', 11)).join('');
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
    '  every iteration ends with a read of the result or loss, on every framework.',
  );
  out.push(
    `  Peaks: native ${peaks.native.gflops ? `${fmt(peaks.native.gflops)} GFLOP/s` : '—'} (${peaks.native.how});`,
    `         wasm SIMD ${peaks.wasmSimd.gflops ? `${fmt(peaks.wasmSimd.gflops)} GFLOP/s` : '—'} (${peaks.wasmSimd.how}).`,
  );
  out.push(`  Ratios (÷peer) compare each of ours with that peer's best figure in the same case.`);
  if (notes.length) {
    out.push('', 'Notes:');
    notes.forEach((n, i) => out.push(`  ${i + 1}. ${n}`));
  }
  return out.join('\n');
}
