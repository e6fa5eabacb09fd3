import type { Logs } from '@tensile/train';

/**
 * Renders the per-epoch history as an SVG with one panel per quantity (loss,
 * then each metric), train and validation as two coloured lines with a
 * legend, drawn by Vega-Lite in Node (no browser, no canvas).
 */
export async function historySvg(history: readonly Logs[], title: string): Promise<string> {
  // Per-layer statistics (`grad_norm/<layer>`…) have their own plot.
  const quantities = Object.keys(history[0] ?? { loss: 0 }).filter(
    (k) => !['epoch', 'seconds', 'lr'].includes(k) && !k.startsWith('val_') && !k.includes('/'),
  );
  const rows: { epoch: number; value: number; quantity: string; split: string }[] = [];
  for (const logs of history) {
    for (const q of quantities) {
      for (const [split, key] of [
        ['train', q],
        ['validation', `val_${q}`],
      ] as const) {
        const value = logs[key];
        if (value !== undefined && Number.isFinite(value)) rows.push({ epoch: logs.epoch + 1, value, quantity: q, split });
      }
    }
  }
  const panel = (quantity: string) => ({
    title: quantity,
    width: 320,
    height: 220,
    transform: [{ filter: { field: 'quantity', equal: quantity } }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: quantity, scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: 'data', scale: { domain: ['train', 'validation'] } },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 16 },
    background: 'white',
    padding: 12,
    data: { values: rows },
    hconcat: quantities.map(panel),
  };
  return render(spec);
}

/** The per-layer statistics GradientStats logs, and the panel title of each. */
const LAYER_STATS = [
  ['grad_norm/', 'gradient norm'],
  ['update_ratio/', 'update / weight'],
] as const;

/**
 * Renders GradientStats' per-epoch logs (`grad_norm/<layer>`,
 * `update_ratio/<layer>`) as an SVG: one panel per quantity, one line per
 * layer, log-scale y, so vanishing (tiny, falling) and exploding (huge,
 * rising) gradients stand out. `label` names a layer in the legend (e.g.
 * `0` → `0 (Linear)`). Zero or non-finite values have no place on a log
 * axis and are left out.
 */
export async function gradientsSvg(history: readonly Logs[], title: string, label: (layer: string) => string = (l) => l): Promise<string> {
  const rows: { epoch: number; value: number; quantity: string; layer: string }[] = [];
  const layers: string[] = [];
  for (const logs of history) {
    for (const [key, value] of Object.entries(logs)) {
      const stat = LAYER_STATS.find(([prefix]) => key.startsWith(prefix));
      if (!stat || !Number.isFinite(value) || value <= 0) continue;
      const layer = label(key.slice(stat[0].length));
      if (!layers.includes(layer)) layers.push(layer);
      rows.push({ epoch: logs.epoch + 1, value, quantity: stat[1], layer });
    }
  }
  const panel = (quantity: string) => ({
    title: quantity,
    width: 320,
    height: 220,
    transform: [{ filter: { field: 'quantity', equal: quantity } }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: `${quantity} (log scale)`, scale: { type: 'log' }, axis: { format: '.0e' } },
      color: { field: 'layer', type: 'nominal', title: 'layer', scale: { domain: layers } },
    },
  });
  return render({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 16 },
    background: 'white',
    padding: 12,
    data: { values: rows },
    hconcat: LAYER_STATS.map(([, quantity]) => panel(quantity)),
  });
}

/** Compiles a Vega-Lite spec and renders it to SVG without a browser. */
async function render(spec: object): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
