import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '@tensile/io';

// IndexedDB storage and file download/upload, in a real Chromium page.
const CHROMIUM = '/usr/bin/chromium';

type IoApi = typeof import('../src/storage/index.js') & typeof import('../src/safetensors/index.js');
declare global {
  interface Window {
    io: IoApi;
  }
}

let server: Server;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL('./browser/page.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    alias: { '@tensile/core': new URL('../../core/src/index.ts', import.meta.url).pathname },
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0].text;
  const html = '<!doctype html><input type="file" id="upload"><script type="module" src="/page.js"></script>';
  server = createServer((req, res) => {
    const js = req.url === '/page.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'io' in window);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
  it('indexedDbStorage writes, lists, removes, and keeps files across a reload', async () => {
    const result = await page.evaluate(async () => {
      const storage = window.io.indexedDbStorage('tensile-browser-test');
      const bytes = window.io.encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1.5, -2]) } }, { k: 'v' });
      await storage.write('models/a.safetensors', bytes);
      await storage.write('models/b.safetensors', new Uint8Array([1, 2]));
      await storage.remove('models/b.safetensors');
      const read = await storage.read('models/a.safetensors');
      const file = window.io.decodeSafetensors(read);
      return { list: await storage.list('models'), metadata: file.metadata, same: read.join() === bytes.join() };
    });
    expect(result).toEqual({ list: ['models/a.safetensors'], metadata: { k: 'v' }, same: true });

    await page.reload();
    await page.waitForFunction(() => 'io' in window);
    const after = await page.evaluate(async () => {
      const storage = window.io.indexedDbStorage('tensile-browser-test');
      const missing = await storage.read('nope').catch((e: Error) => e.message);
      return { names: window.io.decodeSafetensors(await storage.read('models/a.safetensors')).names, missing };
    });
    expect(after).toEqual({
      names: ['w'],
      missing: 'indexedDbStorage("tensile-browser-test"): cannot read "nope": no such file',
    });
  });

  it('browserDownload saves the exact bytes under the file name', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.evaluate(() => {
        const bytes = window.io.encodeSafetensors({ x: { dtype: 'I32', shape: [3], data: new Int32Array([1, 2, 3]) } });
        window.io.browserDownload(bytes, 'model.safetensors');
      }),
    ]);
    expect(download.suggestedFilename()).toBe('model.safetensors');
    const saved = new Uint8Array(readFileSync((await download.path())!));
    expect(saved).toEqual(encodeSafetensors({ x: { dtype: 'I32', shape: [3], data: new Int32Array([1, 2, 3]) } }));
  });

  it('readUploadedFile reads a file the user picked', async () => {
    const bytes = encodeSafetensors({ up: { dtype: 'U8', shape: [2], data: new Uint8Array([7, 9]) } }, { from: 'upload' });
    await page.setInputFiles('#upload', { name: 'up.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    const read = await page.evaluate(async () => {
      const input = document.getElementById('upload') as HTMLInputElement;
      return Array.from(await window.io.readUploadedFile(input.files![0]));
    });
    expect(decodeSafetensors(new Uint8Array(read)).metadata).toEqual({ from: 'upload' });
  });
});
