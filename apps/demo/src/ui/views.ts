import type { SampleImages, WeightTiles } from '../protocol.js';

/**
 * Draws weight tiles in a grid, each scaled by its own largest magnitude:
 * red for positive weights, blue for negative, black for zero.
 */
export function drawWeightTiles(canvas: HTMLCanvasElement, tiles: WeightTiles): void {
  const gap = 1;
  const columns = tiles.count <= 16 ? tiles.count : Math.ceil(Math.sqrt(tiles.count * 2));
  const rows = Math.ceil(tiles.count / columns);
  canvas.width = columns * (tiles.width + gap) - gap;
  canvas.height = rows * (tiles.height + gap) - gap;
  // Drawn magnified, small kernels (5×5) the most; the pixels stay sharp (CSS image-rendering).
  canvas.style.width = `${canvas.width * (tiles.width < 10 ? 10 : 1.5)}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#888';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const area = tiles.width * tiles.height;
  for (let k = 0; k < tiles.count; k++) {
    const tile = tiles.data.subarray(k * area, (k + 1) * area);
    let peak = 1e-12;
    for (const v of tile) peak = Math.max(peak, Math.abs(v));
    const image = ctx.createImageData(tiles.width, tiles.height);
    for (let i = 0; i < area; i++) {
      const v = tile[i] / peak;
      image.data[i * 4] = v > 0 ? Math.round(255 * v) : 0;
      image.data[i * 4 + 1] = Math.round(40 * Math.abs(v));
      image.data[i * 4 + 2] = v < 0 ? Math.round(-255 * v) : 0;
      image.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(image, (k % columns) * (tiles.width + gap), Math.floor(k / columns) * (tiles.height + gap));
  }
}

/** Fills a table with a 10×10 confusion matrix: rows are true digits, columns predictions; shade is the row's share. */
export function drawConfusion(table: HTMLTableElement, confusion: readonly number[]): void {
  const caption = table.querySelector('caption')?.outerHTML ?? '';
  const head = `<tr><th scope="col" title="true digit ↓, predicted →">true\\pred</th>${Array.from({ length: 10 }, (_, c) => `<th scope="col">${c}</th>`).join('')}</tr>`;
  const rows: string[] = [];
  for (let r = 0; r < 10; r++) {
    const row = confusion.slice(r * 10, r * 10 + 10);
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((n, c) => {
      const share = n / total;
      const hue = r === c ? '26, 115, 232' : '217, 48, 37';
      // At most 60% colour, so the dark count stays readable on it (WCAG AA contrast).
      return `<td style="background: rgba(${hue}, ${(0.6 * share).toFixed(3)})">${n || ''}</td>`;
    });
    rows.push(`<tr><th scope="row">${r}</th>${cells.join('')}</tr>`);
  }
  table.innerHTML = caption + head + rows.join('');
}

/** Ten bars, one per digit, the most likely one highlighted. */
export function drawProbabilities(container: HTMLElement, probabilities: readonly number[] | null): void {
  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  container.innerHTML = Array.from({ length: 10 }, (_, d) => {
    const p = probabilities?.[d] ?? 0;
    return (
      `<div class="bar${d === best ? ' best' : ''}" role="listitem" aria-label="${d}: ${(p * 100).toFixed(1)}%" data-digit="${d}" data-p="${p.toFixed(4)}">` +
      `<span class="digit">${d}</span><span class="fill" style="width: ${(p * 100).toFixed(1)}%"></span>` +
      `<span class="value">${(p * 100).toFixed(1)}%</span></div>`
    );
  }).join('');
}

/** Shows the 28×28 image the network is given. */
export function drawPreview(canvas: HTMLCanvasElement, pixels: Float32Array | null): void {
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * (pixels?.[i] ?? 0));
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

const CELL = 56; // each 28×28 image drawn at 2×
const LABEL = 18;

/**
 * Draws MNIST images in a grid with a label under each: the true digit, or,
 * with predictions, the digit the model read (green when right; red, with
 * the truth and a red frame, when wrong). Returns the grid in words, for the
 * canvas's accessible name.
 */
export function drawSamples(canvas: HTMLCanvasElement, samples: SampleImages, predicted: readonly number[] | null, columns = 8): string {
  const count = samples.labels.length;
  const rows = Math.ceil(count / columns);
  canvas.width = columns * (CELL + 4);
  canvas.height = rows * (CELL + LABEL + 4);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const image = ctx.createImageData(28, 28);
  const scratch = document.createElement('canvas');
  scratch.width = scratch.height = 28;
  const sctx = scratch.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.textAlign = 'center';
  const mistakes: string[] = [];
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < 784; i++) {
      const v = samples.images[k * 784 + i];
      image.data.set([v, v, v, 255], i * 4);
    }
    sctx.putImageData(image, 0, 0);
    const x = (k % columns) * (CELL + 4) + 2;
    const y = Math.floor(k / columns) * (CELL + LABEL + 4) + 2;
    ctx.drawImage(scratch, x, y, CELL, CELL);
    const truth = samples.labels[k];
    const guess = predicted?.[k];
    if (guess === undefined) {
      ctx.fillStyle = '#202124';
      ctx.fillText(String(truth), x + CELL / 2, y + CELL + 14);
    } else if (guess === truth) {
      ctx.fillStyle = '#137333';
      ctx.fillText(String(guess), x + CELL / 2, y + CELL + 14);
    } else {
      ctx.strokeStyle = '#c5221f';
      ctx.lineWidth = 3;
      ctx.strokeRect(x - 0.5, y - 0.5, CELL + 1, CELL + 1);
      ctx.fillStyle = '#c5221f';
      ctx.fillText(`${guess} (is ${truth})`, x + CELL / 2, y + CELL + 14);
      mistakes.push(`image ${k + 1}, a ${truth}, read as ${guess}`);
    }
  }
  if (!predicted) return `${count} training images, labelled ${samples.labels.join(', ')}`;
  return `${count} test images: ${count - mistakes.length} read correctly${mistakes.length ? `; mistakes: ${mistakes.join('; ')}` : ''}`;
}
