import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from './static-server.js';

// The demo site end to end in a real Chromium: built with Vite, served as
// static files with COOP/COEP headers, trained on every backend the browser
// offers, drawn on, saved, reloaded and uploaded.
const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const output = `${root}test-output`;

const ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic', '--disable-dev-shm-usage', '--enable-unsafe-webgpu',
  // WebGPU without a GPU: Chromium's SwiftShader Vulkan driver.
  '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader',
];

/** Steps per backend: SwiftShader runs WGSL on the CPU, slowly, so webgpu trains fewer (and with a larger rate). */
const PLAN = {
  cpu: { steps: 300, lr: '0.05', minAccuracy: 0.8 },
  wasm: { steps: 300, lr: '0.05', minAccuracy: 0.8 },
  webgpu: { steps: 100, lr: '0.1', minAccuracy: 0.7 },
} as const;

if (!existsSync(CHROMIUM)) console.warn(`apps/demo browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!existsSync(CHROMIUM))('the demo site in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  /** Fails the test on any console error or uncaught exception of the page (the page reports the worker's errors there). */
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  };

  const open = async (p: Page, url: string) => {
    await p.goto(url);
    await p.waitForSelector('#backend-status[data-backend]', { timeout: 30_000 });
    await p.waitForSelector('#test-accuracy[data-step]', { timeout: 30_000 });
  };

  beforeAll(async () => {
    mkdirSync(output, { recursive: true });
    execFileSync(process.execPath, [`${root}scripts/make-mnist-subset.mjs`], { stdio: 'pipe' });
    await build({ root, configFile: `${root}vite.config.ts`, logLevel: 'error' });
    server = await serveStatic(dist);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    watch(page);
    await open(page, server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the backends, with threads for wasm on a cross-origin-isolated page', async () => {
    const backends = await page.$$eval('#backends label', (labels) => labels.map((l) => l.textContent?.replace(/\s+/g, ' ').trim()));
    expect(backends).toHaveLength(3);
    expect(backends[0]).toMatch(/^cpu/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#backend-status')).toMatch(/wasm: SIMD on [2-8] threads/);
    console.log(`backends offered: ${backends.join(' | ')}`);
  });

  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    it(`trains the MLP on ${backend} to well above chance on the test subset`, async (ctx) => {
      const input = page.locator(`#backends input[value="${backend}"]`);
      if ((await input.getAttribute('data-available')) !== 'true') {
        ctx.skip(`${backend} is unavailable here: ${await page.locator('#backends label', { has: input }).textContent()}`);
      }
      const plan = PLAN[backend];
      await input.check();
      await page.waitForSelector(`#backend-status[data-backend="${backend}"]`, { timeout: 60_000 });
      await page.selectOption('#model', 'mlp');
      await page.fill('#lr', plan.lr);
      await page.selectOption('#batch-size', '64');
      await page.fill('#steps', String(plan.steps));
      await page.fill('#eval-every', '100');
      await page.click('#reset');
      await page.waitForSelector('#test-accuracy[data-step="0"]');
      const before = Number(await page.getAttribute('#test-accuracy', 'data-value'));

      const started = Date.now();
      await page.click('#train');
      await page.waitForSelector(`#test-accuracy[data-step="${plan.steps}"]`, { timeout: 120_000 });
      await page.waitForSelector('#progress[data-running="false"]');
      const seconds = (Date.now() - started) / 1000;
      const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
      console.log(`${backend}: MLP ${plan.steps} steps (batch 64) in ${seconds.toFixed(1)} s: test accuracy ${before.toFixed(3)} → ${accuracy.toFixed(3)}`);
      expect(before).toBeLessThan(0.3);
      expect(accuracy).toBeGreaterThan(plan.minAccuracy);
      // The training loop and the evaluations free what they make: the model's tensors and the optimizer's state remain.
      const live = Number((await page.textContent('#memory'))?.match(/Live tensors: (\d+)/)?.[1]);
      expect(live).toBeLessThanOrEqual(6 + 6 + 2);
      await page.screenshot({ path: `${output}/trained-mlp-${backend}.png`, fullPage: true });
    }, 150_000);
  }

  it('trains LeNet-5 (convolutions) on wasm', async () => {
    await page.check('#backends input[value="wasm"]');
    await page.waitForSelector('#backend-status[data-backend="wasm"]');
    await page.selectOption('#model', 'lenet'); // a model change starts a new model
    await page.waitForSelector('#test-accuracy[data-step="0"]');
    await page.fill('#lr', '0.05');
    await page.fill('#steps', '200');
    const started = Date.now();
    await page.click('#train');
    await page.waitForSelector('#test-accuracy[data-step="200"]', { timeout: 120_000 });
    const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
    console.log(`wasm: LeNet-5 200 steps in ${((Date.now() - started) / 1000).toFixed(1)} s: test accuracy ${accuracy.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(0.7);
    expect(await page.textContent('#weights-caption')).toContain('6 kernels of 5×5');
    await page.screenshot({ path: `${output}/trained-lenet-wasm.png`, fullPage: true });
  }, 150_000);

  /** Draws strokes (lists of points in the pad's 0..1 coordinates) with the mouse; returns the predicted digit. */
  const draw = async (strokes: [number, number][][]): Promise<number> => {
    await page.click('#clear');
    const box = (await page.locator('#pad').boundingBox())!;
    for (const stroke of strokes) {
      await page.mouse.move(box.x + stroke[0][0] * box.width, box.y + stroke[0][1] * box.height);
      await page.mouse.down();
      for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 4 });
      await page.mouse.up();
    }
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit !== '');
    await page.waitForTimeout(200); // the last prediction of the stroke
    return Number(await page.getAttribute('#prediction', 'data-digit'));
  };

  it('predicts a digit drawn with the mouse', async () => {
    // The MLP of the wasm run is gone (LeNet replaced it): LeNet reads the drawings.
    const one = await draw([[[0.52, 0.15], [0.5, 0.5], [0.48, 0.85]]]);
    await page.screenshot({ path: `${output}/drawn-1.png`, fullPage: false, clip: await clipOf(page, '#draw') });
    const circle = Array.from({ length: 25 }, (_, i) => {
      const a = (i / 24) * 2 * Math.PI;
      return [0.5 + 0.22 * Math.sin(a), 0.5 - 0.32 * Math.cos(a)] as [number, number];
    });
    const zero = await draw([circle]);
    await page.screenshot({ path: `${output}/drawn-0.png`, fullPage: false, clip: await clipOf(page, '#draw') });
    const preview = await page.$eval('#preview', (c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let mass = 0;
      let mx = 0;
      let my = 0;
      let [x0, x1, y0, y1] = [28, -1, 28, -1];
      for (let i = 0; i < 784; i++) {
        const v = data[i * 4] / 255;
        const x = i % 28;
        const y = Math.floor(i / 28);
        mass += v;
        mx += v * (x + 0.5);
        my += v * (y + 0.5);
        if (v > 0.05) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
      return { cx: mx / mass, cy: my / mass, height: y1 - y0 + 1, width: x1 - x0 + 1 };
    });
    console.log(`drawn "1" read as ${one}, drawn "0" as ${zero}; 28×28 input of the "0": ${JSON.stringify(preview)}`);
    expect(one).toBe(1);
    expect(zero).toBe(0);
    // MNIST's layout: the digit fits a 20×20 box, its centre of mass in the middle of 28×28.
    expect(Math.max(preview.height, preview.width)).toBe(20);
    expect(Math.abs(preview.cx - 14)).toBeLessThan(1);
    expect(Math.abs(preview.cy - 14)).toBeLessThan(1);
  }, 60_000);

  it('saves the model as a file, keeps it across a reload (IndexedDB) and loads it back from an upload', async () => {
    const accuracy = await page.getAttribute('#test-accuracy', 'data-value');
    const download = page.waitForEvent('download');
    await page.click('#save');
    const file = await download;
    const path = `${output}/${file.suggestedFilename()}`;
    await file.saveAs(path);
    const bytes = readFileSync(path);
    // A safetensors file: 8-byte header length, then a JSON header naming the format and the architecture.
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header.__metadata__.format).toBe('tensile-model');
    expect(JSON.parse(header.__metadata__.architecture).type).toBe('Sequential');
    expect(header['0.weight'].shape).toEqual([6, 1, 5, 5]);
    expect(file.suggestedFilename()).toMatch(/^tensile-mnist-lenet-step\d+\.tensile$/);

    await page.reload();
    await page.waitForSelector('#model-summary[data-origin="IndexedDB (last session)"]', { timeout: 30_000 });
    await page.waitForSelector('#test-accuracy[data-step]');
    expect(await page.getAttribute('#test-accuracy', 'data-value')).toBe(accuracy);

    await page.selectOption('#model', 'mlp'); // a different model, so the upload visibly replaces it
    await page.waitForSelector('#test-accuracy[data-step="0"]');
    await page.setInputFiles('#upload', path);
    await page.waitForSelector(`#model-summary[data-origin="${file.suggestedFilename()}"]`, { timeout: 30_000 });
    await page.waitForFunction((a) => document.querySelector<HTMLElement>('#test-accuracy')!.dataset.value === a, accuracy);
    expect(await page.inputValue('#model')).toBe('lenet');
    writeFileSync(`${output}/saved-model-size.txt`, `${bytes.length} bytes\n`);
  }, 60_000);

  it('runs without cross-origin isolation, the wasm backend on one thread', async () => {
    const plain = await serveStatic(dist, { isolated: false });
    const other = await context.newPage();
    watch(other);
    try {
      await open(other, plain.url);
      expect(await other.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(await other.textContent('#backends')).toContain('wasm threads: not cross-origin isolated (no COOP/COEP headers), one thread');
      expect(await other.textContent('#backend-status')).toContain('wasm: SIMD on one thread');
      await other.screenshot({ path: `${output}/not-isolated.png` });
    } finally {
      await other.close();
      await plain.close();
    }
  }, 60_000);

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});

async function clipOf(page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!;
  return { x: box.x, y: box.y, width: box.width, height: box.height };
}
