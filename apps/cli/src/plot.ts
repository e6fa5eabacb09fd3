import type { Logs } from '@tensile/train';

/**
 * Renders the per-epoch history as an SVG with one panel per quantity (loss,
 * then each metric), train and validation as two coloured lines with a
 * legend, drawn by Vega-Lite in Node (no browser, no canvas).
 */
export async function historySvg(history: readonly Logs[], title: string): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const quantities = Object.keys(history[0] ?? { loss: 0 }).filter((k) => !['epoch', 'seconds', 'lr'].includes(k) && !k.startsWith('val_'));
  const rows: { epoch: number; value: number; quantity: string; split: string }[] = [];
  for (const logs of history) {
    for (const q of quantities) {
      for (const [split, key] of [['train', q], ['validation', `val_${q}`]] as const) {
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
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
