import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '@tensile/core';
import { cpu } from '@tensile/backend-cpu';
import { importOnnx } from '@tensile/onnx';
import { serveStatic, type StaticServer } from './static-server.js';

// The demo site end to end in a real Chromium: built with Vite, served as
// static files with COOP/COEP headers, trained on every backend the browser
// offers, drawn on, saved, reloaded and uploaded.
const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const output = `${root}test-output`;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Runs axe-core (WCAG 2.0/2.1/2.2 A and AA, and best practices) on the page; returns the violations in short. */
async function axeViolations(p: Page): Promise<{ id: string; impact: string | null; nodes: string[] }[]> {
  await p.addScriptTag({ content: axeSource });
  return p.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Where an element lies in the viewport (null: not rendered). */
async function boxOf(p: Page, selector: string) {
  return p.locator(selector).boundingBox();
}

const ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu',
  // WebGPU without a GPU: Chromium's SwiftShader Vulkan driver.
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/**
 * What each backend trains (batch 64). SwiftShader runs WGSL on the CPU, slowly (an evaluation of the
 * 2,000 test images alone takes seconds), so webgpu takes 10 Adam steps: enough to be far above chance
 * (over 0.45 on 2,000 images cannot happen by luck, chance being 0.1) with a margin over the 0.6–0.7 it
 * reaches. cpu takes 100 steps, and wasm, which is fast, trains to about 0.9.
 */
const PLAN = {
  cpu: { optimizer: 'sgd', steps: 100, lr: '0.1', minAccuracy: 0.7 },
  wasm: { optimizer: 'sgd', steps: 300, lr: '0.05', minAccuracy: 0.8 },
  webgpu: { optimizer: 'adam', steps: 10, lr: '0.005', minAccuracy: 0.45 },
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
    context = await browser.newContext({ acceptDownloads: true, viewport: LAPTOP });
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
    // A software WebGPU adapter (SwiftShader here) is named as such, with what to expect.
    const webgpu = page.locator('#backends input[value="webgpu"]');
    if ((await webgpu.getAttribute('data-available')) === 'true' && /swiftshader/i.test((await page.textContent('#backends')) ?? '')) {
      expect(await webgpu.getAttribute('data-software')).toBe('true');
      expect(await page.textContent('#backends')).toContain('software fallback');
    }
    expect(await page.textContent('#backends')).not.toMatch(/wasm\s*wasm/);
  });

  it('shows what to do, the charts, the numbers and the drawing pad on the first laptop screen, with a pretrained model that reads drawings at once', async () => {
    await page.waitForSelector('#model-summary[data-origin="pretrained"]');
    expect(await page.textContent('#intro')).toMatch(/Press Train.*draw a digit/s);
    for (const selector of ['#intro', '#train', '#stats', '#chart-loss', '#chart-accuracy', '#pad', '#prediction', '#probabilities']) {
      const box = (await boxOf(page, selector))!;
      expect(box.y + box.height, `${selector} ends at y=${box.y + box.height}`).toBeLessThanOrEqual(LAPTOP.height);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(LAPTOP.width);
    expect(await page.textContent('#train')).toBe('Train from scratch');
    expect(await page.textContent('#progress')).not.toContain('step 0 of 0');
    expect(await page.textContent('#pretrained-note')).toMatch(
      /tensile CLI.*MLP 784-128-64-10: \d+ epochs, 9\d\.\d\d% on MNIST's 10,000 test images/,
    );
    const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
    expect(accuracy).toBeGreaterThan(0.9);
    expect(await page.textContent('#stat-accuracy')).toBe(`${(accuracy * 100).toFixed(1)}%`);
    // Test images with the pretrained model's readings (mistakes counted and framed).
    expect(await page.getAttribute('#test-samples', 'aria-label')).toMatch(/^24 test images: \d+ read correctly/);
    const seven = await draw([
      [
        [0.2, 0.18],
        [0.8, 0.18],
        [0.45, 0.85],
      ],
    ]);
    await page.screenshot({ path: `${output}/laptop-first-screen.png` });
    console.log(`pretrained MLP: test subset accuracy ${accuracy.toFixed(4)}; a drawn 7 read as ${seven}`);
    expect(seven).toBe(7);
    const violations = await axeViolations(page);
    console.log(`axe at 1280×800 (training page): ${violations.length} violations ${JSON.stringify(violations)}`);
    expect(violations).toEqual([]);
    // Chromium's own accessibility tree: every image, control, table and progress bar has a name.
    const cdp = await context.newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[];
    };
    const named = [
      'img',
      'image',
      'button',
      'radio',
      'combobox',
      'spinbutton',
      'textbox',
      'progressbar',
      'table',
      'list',
      'link',
      'canvas',
    ];
    const considered = nodes.filter((n) => !n.ignored && named.includes(n.role?.value ?? ''));
    const nameless = considered.filter((n) => !n.name?.value?.trim()).map((n) => n.role?.value);
    console.log(
      `accessibility tree: ${considered.length} images/controls/tables/lists, ${nameless.length} without a name ${JSON.stringify(nameless)}`,
    );
    expect(nameless).toEqual([]);
    await cdp.detach();
  }, 60_000);

  it('has no empty column at 900 px: settings and drawing side by side, the charts across the page', async () => {
    await page.setViewportSize({ width: 900, height: 800 });
    try {
      const [setup, charts, pad] = await Promise.all(['#setup', '#charts', '#draw'].map(async (s) => (await boxOf(page, s))!));
      expect(Math.abs(setup.y - pad.y)).toBeLessThan(2);
      expect(pad.x).toBeGreaterThan(setup.x + setup.width);
      expect(charts.y).toBeGreaterThan(setup.y);
      expect(charts.width).toBeGreaterThan(pad.x + pad.width - setup.x - 2);
      await page.screenshot({ path: `${output}/width-900.png`, fullPage: true });
    } finally {
      await page.setViewportSize(LAPTOP);
    }
  });

  it('says what is wrong next to the control: a bad learning rate, a file that is not a model', async () => {
    await page.fill('#lr', '-1');
    await page.click('#train');
    await page.waitForSelector('#config-error:not(:empty)');
    expect(await page.textContent('#config-error')).toMatch(/Learning rate must be a number from 0\.00001 to 10 \(it is “-1”\)/);
    expect(await page.getAttribute('#lr', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lr');
    expect(await page.getAttribute('#progress', 'data-running')).not.toBe('true');
    await page.fill('#lr', '0.05');
    expect(await page.textContent('#config-error')).toBe('');

    const bogus = `${output}/not-a-model.tensile`;
    writeFileSync(bogus, 'this is a text file, not a model\n'.repeat(4));
    await page.setInputFiles('#upload', bogus);
    await page.waitForSelector('#file-message.error');
    const message = await page.textContent('#file-message');
    console.log(`a wrong file on Load: ${message}`);
    expect(message).toMatch(
      /^Could not load: not-a-model\.tensile is not a Tensile model file, or it is damaged\..*Your current model is unchanged\.Details: /,
    );
    expect(await page.getAttribute('#model-summary', 'data-origin')).toBe('pretrained');
  });

  it('works with the keyboard: Load… is reachable with Tab, and Enter on Train keeps focus on a button', async () => {
    await page.focus('#train');
    const reached: string[] = [];
    for (let i = 0; i < 40 && reached[reached.length - 1] !== 'load'; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
    }
    expect(reached).toContain('load');
    await page.fill('#steps', '30');
    await page.focus('#train');
    // Where focus goes, recorded in the page (30 steps on wasm may be over before a check from here).
    await page.evaluate(() => {
      const w = window as unknown as { focusTrail: string[] };
      w.focusTrail = [];
      document.addEventListener('focusin', (e) => w.focusTrail.push((e.target as HTMLElement).id || (e.target as HTMLElement).tagName));
      document.addEventListener('focusout', (e) => {
        if (!e.relatedTarget) w.focusTrail.push('(nothing)');
      });
    });
    await page.keyboard.press('Enter'); // from scratch: a new model
    await page.waitForSelector('#model-summary[data-origin="new"]');
    await page.waitForSelector('#progress[data-running="false"]', { timeout: 60_000 });
    const trail = await page.evaluate(() => (window as unknown as { focusTrail: string[] }).focusTrail);
    expect(trail).toEqual(['pause', 'train']); // Train hands focus to Pause, and Pause back to Train: never to the page
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('train');
    expect(await page.textContent('#announce')).toMatch(/Training stopped at step \d+/);
    expect(await page.textContent('#train')).toBe('Train');
    expect(await page.getAttribute('#model-summary', 'data-origin')).toBe('new');
    expect(await page.textContent('#stat-speed')).toMatch(/^[\d,]+$/);
  }, 90_000);

  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    it(`trains the MLP on ${backend} to well above chance on the test subset`, async (ctx) => {
      const input = page.locator(`#backends input[value="${backend}"]`);
      if ((await input.getAttribute('data-available')) !== 'true') {
        ctx.skip(`${backend} is unavailable here: ${await page.locator('#backends label', { has: input }).textContent()}`);
      }
      const plan = PLAN[backend];
      // A new model, made on the backend in use, then moved to this one: the switch evaluates it there,
      // which gives the accuracy before training without a second evaluation on a slow software GPU.
      await page.selectOption('#model', 'mlp');
      await page.selectOption('#optimizer', plan.optimizer);
      await page.fill('#lr', plan.lr);
      await page.selectOption('#batch-size', '64');
      await page.fill('#steps', String(plan.steps));
      await page.fill('#eval-every', '100');
      await page.click('#reset');
      await page.waitForSelector('#test-accuracy[data-step="0"]');
      await input.check();
      await page.waitForSelector(`#backend-status[data-backend="${backend}"]`, { timeout: 60_000 });
      const before = await testResult(page);
      expect(before.step).toBe(0);

      const started = Date.now();
      await page.click('#train');
      await page.waitForSelector(`#test-accuracy[data-step="${plan.steps}"]`, { timeout: 120_000 });
      await page.waitForSelector('#progress[data-running="false"]');
      const seconds = (Date.now() - started) / 1000;
      const after = await testResult(page);
      console.log(
        `${backend}: MLP ${plan.steps} ${plan.optimizer} steps (batch 64) in ${seconds.toFixed(1)} s: test accuracy ${before.accuracy.toFixed(3)} → ${after.accuracy.toFixed(3)}, loss ${before.loss} → ${after.loss}`,
      );
      expect(before.accuracy).toBeLessThan(0.3);
      expect(after.accuracy).toBeGreaterThan(plan.minAccuracy);
      expect(after.loss).toBeLessThan(0.7 * before.loss);
      // The training loop and the evaluations free what they make: the model's tensors and the optimizer's state
      // (a momentum buffer per parameter for SGD, two moments for Adam) remain.
      const live = Number((await page.textContent('#memory'))?.match(/Live tensors: (\d+)/)?.[1]);
      expect(live).toBeLessThanOrEqual(6 + (plan.optimizer === 'adam' ? 12 : 6) + 2);
      await page.screenshot({ path: `${output}/trained-mlp-${backend}.png`, fullPage: true });
    }, 150_000);
  }

  it('trains LeNet-5 (convolutions) on wasm', async () => {
    await page.check('#backends input[value="wasm"]');
    await page.waitForSelector('#backend-status[data-backend="wasm"]');
    await page.selectOption('#model', 'lenet'); // a model change starts a new model
    await page.waitForSelector('#test-accuracy[data-step="0"]');
    await page.selectOption('#optimizer', 'sgd');
    await page.fill('#lr', '0.05');
    await page.fill('#steps', '200'); // fewer steps leave LeNet too unsure to read the drawings below
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
    const one = await draw([
      [
        [0.52, 0.15],
        [0.5, 0.5],
        [0.48, 0.85],
      ],
    ]);
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

    expect(await page.textContent('#file-message')).toMatch(/^Saved tensile-mnist-lenet-step\d+\.tensile/);
    const chartBefore = await page.getAttribute('#chart-loss', 'aria-label');

    await page.reload();
    await page.waitForSelector('#model-summary[data-origin="IndexedDB (last session)"]', { timeout: 30_000 });
    await page.waitForSelector('#test-accuracy[data-step]');
    expect(await page.getAttribute('#test-accuracy', 'data-value')).toBe(accuracy);
    // The charts come back with the model.
    await page.waitForFunction((label) => document.querySelector('#chart-loss')!.getAttribute('aria-label') === label, chartBefore);
    expect(chartBefore).toMatch(/^Loss chart, steps \d+ to \d+/);

    await page.selectOption('#model', 'mlp'); // a different model, so the upload visibly replaces it
    await page.waitForSelector('#test-accuracy[data-step="0"]');
    await page.setInputFiles('#upload', path);
    await page.waitForSelector(`#model-summary[data-origin="${file.suggestedFilename()}"]`, { timeout: 30_000 });
    await page.waitForFunction((a) => document.querySelector<HTMLElement>('#test-accuracy')!.dataset.value === a, accuracy);
    expect(await page.inputValue('#model')).toBe('lenet');
    expect(await page.textContent('#file-message')).toMatch(/^Loaded tensile-mnist-lenet-step\d+\.tensile: LeNet-5/);
    writeFileSync(`${output}/saved-model-size.txt`, `${bytes.length} bytes\n`);
  }, 60_000);

  it('downloads the model as ONNX, which imports with the same parameters', async () => {
    const download = page.waitForEvent('download');
    await page.click('#save-onnx');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^tensile-mnist-lenet-step\d+\.onnx$/);
    const path = `${output}/${file.suggestedFilename()}`;
    await file.saveAs(path);
    expect(await page.textContent('#file-message')).toMatch(
      /^Saved tensile-mnist-lenet-step\d+\.onnx .*ONNX Runtime; input 'image' \[batch, 1, 28, 28\]/,
    );
    await t.setBackend(cpu());
    const model = importOnnx(new Uint8Array(readFileSync(path)));
    expect(model.graph.inputs.map((i) => [i.name, i.shape])).toEqual([['image', ['batch', 1, 28, 28]]]);
    expect(model.graph.outputs).toEqual(['logits']);
    expect(model.stateDict()['0.weight']?.shape).toEqual([6, 1, 5, 5]);
    expect((model.call(t.zeros([2, 1, 28, 28])) as t.Tensor).shape).toEqual([2, 10]);
  }, 60_000);

  it('runs without cross-origin isolation, the wasm backend on one thread', async () => {
    const plain = await serveStatic(dist, { isolated: false });
    const other = await context.newPage();
    watch(other);
    try {
      await open(other, plain.url);
      expect(await other.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(await other.textContent('#backends')).toContain(
        'SIMD, one thread (threads need a cross-origin-isolated page: COOP/COEP headers)',
      );
      expect(await other.textContent('#backend-status')).toContain('wasm: SIMD on one thread');
      await other.screenshot({ path: `${output}/not-isolated.png` });
    } finally {
      await other.close();
      await plain.close();
    }
  }, 60_000);

  it('fits a 390×844 phone: no sideways overflow, settings inside their card, large radios', async () => {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    watch(p);
    try {
      await open(p, server.url);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      const card = (await boxOf(p, '#setup'))!;
      for (const selector of ['#config', '#lr', '#eval-every', '#backends']) {
        const box = (await boxOf(p, selector))!;
        expect(box.x + box.width, `${selector} right edge`).toBeLessThanOrEqual(card.x + card.width);
      }
      // The pad (the pretrained model reads drawings at once) is on the first phone screen.
      const pad = (await boxOf(p, '#pad'))!;
      expect(pad.y + pad.height).toBeLessThanOrEqual(PHONE.height);
      const radio = (await p.locator('#backends input').first().boundingBox())!;
      expect(Math.min(radio.width, radio.height)).toBeGreaterThanOrEqual(20);
      await p.screenshot({ path: `${output}/phone-first-screen.png` });
      await p.screenshot({ path: `${output}/phone-full.png`, fullPage: true });
      const violations = await axeViolations(p);
      console.log(`axe at 390×844 (training page): ${violations.length} violations ${JSON.stringify(violations)}`);
      expect(violations).toEqual([]);
    } finally {
      await phone.close();
    }
  }, 60_000);

  describe('backpropagation, step by step', () => {
    const nodeAttr = (p: Page, name: string, attr: string) => p.getAttribute(`#bp-svg g[data-name="${name}"]`, attr);

    it("shows the apples graph with Tensile's numbers: 715, and gradients 2.2, 110, 3.3, 165, 650", async () => {
      const p = await context.newPage();
      watch(p);
      try {
        await p.goto(`${server.url}backprop.html#apples`);
        await p.waitForSelector('#bp-svg g[data-name="price"]');
        expect(Number(await nodeAttr(p, 'price', 'data-value'))).toBeCloseTo(715, 10); // float64: 650 × 1.1 = 715.0000000000001
        expect(await p.textContent('#bp-svg g[data-name="price"]')).toContain('= 715');
        expect(await p.getAttribute('#bp-counter', 'data-done')).toBe('0');
        expect(await nodeAttr(p, 'apple', 'data-grad')).toBeNull(); // backward has not run yet
        // Step 1: the output, gradient 1.
        await p.click('#bp-step');
        expect(await p.textContent('#bp-rule')).toContain('Backward starts here');
        expect(Number(await nodeAttr(p, 'price', 'data-grad'))).toBe(1);
        expect(await p.textContent('#bp-rule')).toContain('mul swaps its inputs');
        expect(await p.textContent('#bp-rule')).toMatch(/→ tax: 650/);
        // Then the order of Tensile's backward (reverse topological): tax, a leaf, then the add, which passes 1.1 through to both products.
        await p.click('#bp-step');
        expect(await p.textContent('#bp-rule')).toMatch(/^tax receives ∂ = 650tax is a leaf/);
        await p.click('#bp-step');
        expect(await p.textContent('#bp-rule')).toContain('add passes the gradient through unchanged');
        expect(await p.textContent('#bp-rule')).toMatch(/→ mul #2: 1\.1 {2}\(= g = 1\.1\)/);
        await p.screenshot({ path: `${output}/backprop-laptop-step3.png` });
        await p.click('#bp-back');
        expect(await p.getAttribute('#bp-counter', 'data-done')).toBe('2');
        await p.click('#bp-all');
        const grads: Record<string, number> = {};
        for (const name of ['apple', 'apples', 'orange', 'oranges', 'tax']) grads[name] = Number(await nodeAttr(p, name, 'data-grad'));
        console.log(`backprop page, apples: price ${await nodeAttr(p, 'price', 'data-value')}, gradients ${JSON.stringify(grads)}`);
        expect(grads.apple).toBeCloseTo(2.2, 12);
        expect(grads.apples).toBeCloseTo(110, 12);
        expect(grads.orange).toBeCloseTo(3.3, 12);
        expect(grads.oranges).toBeCloseTo(165, 12);
        expect(grads.tax).toBeCloseTo(650, 12);
        expect(await p.textContent('#bp-counter')).toContain('step 9 of 9');
        await p.screenshot({ path: `${output}/backprop-laptop.png`, fullPage: true });
        const violations = await axeViolations(p);
        console.log(`axe at 1280×800 (backprop page): ${violations.length} violations ${JSON.stringify(violations)}`);
        expect(violations).toEqual([]);
      } finally {
        await p.close();
      }
    });

    it('builds the prepared neuron and 2-2-1 net, and typed expressions with elementwise ops and matmul; reports mistakes beside the box', async () => {
      const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
      const p = await phone.newPage();
      watch(p);
      try {
        await p.goto(`${server.url}backprop.html#neuron`);
        await p.waitForSelector('#bp-svg g[data-name="y"]');
        await p.click('#bp-all');
        // y = σ(0.5·1 − 0.3·2 + 0.1) = σ(0): y = 0.5, dy/dw1 = σ'(0)·x1 = 0.25.
        expect(Number(await nodeAttr(p, 'y', 'data-value'))).toBeCloseTo(0.5, 12);
        expect(Number(await nodeAttr(p, 'w1', 'data-grad'))).toBeCloseTo(0.25, 12);
        expect(Number(await nodeAttr(p, 'x2', 'data-grad'))).toBeCloseTo(-0.075, 12);
        await p.screenshot({ path: `${output}/backprop-phone.png` });

        await p.click('#bp-examples button[data-example="net"]');
        await p.waitForSelector('#bp-svg g[data-name="loss"]');
        await p.click('#bp-all');
        expect(await p.textContent('#bp-table')).toContain('matmul');
        expect(await nodeAttr(p, 'loss', 'data-grad')).toBe('1');
        await p.focus('#bp-step');
        await p.keyboard.press('Enter'); // at the end: nothing more to do, and focus stays on the button
        expect(await p.evaluate(() => document.activeElement?.id)).toBe('bp-step');
        expect(await p.getAttribute('#bp-step', 'aria-disabled')).toBe('true');
        const violations = await axeViolations(p);
        console.log(`axe at 390×844 (backprop page): ${violations.length} violations ${JSON.stringify(violations)}`);
        expect(violations).toEqual([]);

        // Typed: A@B = [[-1], [-1]], so relu passes nothing and exp(-1)/2 flows back: dA = g·Bᵀ.
        await p.fill('#bp-source', 'A = [[1, 2], [3, 4]]\nB = [[1], [-1]]\ny = sum(relu(A @ B) * 3 + exp(A @ B) / 2)');
        await p.click('#bp-build');
        await p.waitForSelector('#bp-svg g[data-name="A"]');
        await p.click('#bp-all');
        const row = await p.textContent('#bp-table tr[data-name="A"]');
        expect(row).toContain('[0.18394, −0.18394]');
        expect(await p.textContent('#bp-error')).toBe('');

        await p.fill('#bp-source', 'x = 2\ny = (x +');
        await p.click('#bp-build');
        expect(await p.textContent('#bp-error')).toMatch(
          /^Could not build the graph: line 2, column 9: expected a number, a name, '\(' or '\[', found the end of the program/,
        );
        expect(await p.getAttribute('#bp-source', 'aria-invalid')).toBe('true');
        await p.fill('#bp-source', 'A = [[1, 2]]\nB = [[1, 2]]\ny = sum(A @ B)');
        await p.click('#bp-build');
        expect(await p.textContent('#bp-error')).toMatch(/matmul/);
        await p.fill('#bp-source', 'x = 3\ny = eval(x)');
        await p.click('#bp-build');
        expect(await p.textContent('#bp-error')).toContain("unknown function 'eval'");
      } finally {
        await phone.close();
      }
    });
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});

/** The last evaluation on the test subset: its step, accuracy and mean loss (from the page's text). */
async function testResult(page: Page): Promise<{ step: number; accuracy: number; loss: number }> {
  const text = (await page.textContent('#test-accuracy')) ?? '';
  const loss = Number(text.match(/loss (\d+\.\d+)/)?.[1]);
  expect(loss, text).toBeGreaterThan(0);
  return {
    step: Number(await page.getAttribute('#test-accuracy', 'data-step')),
    accuracy: Number(await page.getAttribute('#test-accuracy', 'data-value')),
    loss,
  };
}

async function clipOf(page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!;
  return { x: box.x, y: box.y, width: box.width, height: box.height };
}
