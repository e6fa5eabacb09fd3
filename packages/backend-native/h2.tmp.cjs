const addon = require('node-gyp-build')(process.cwd());
const F32 = 0;
const up = (n) => addon.upload(Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 13 - 0.5), F32);
const a = up(128 * 784), b = up(784 * 128);
const threads = Number(process.argv[2]);
addon.setThreads(threads);
const ref = {}; let bad = {};
const check = (key, h, n) => { const v = addon.read(h, F32, n); if (!ref[key]) ref[key] = v; else if (v.some((x, j) => !(x === ref[key][j]))) bad[key] = (bad[key] ?? 0) + 1; };
for (let i = 0; i < 1500; i++) {
  const y = addon.matmul(a, b, F32, 1, 128, 784, 128, false, i % 2 === 1, false, false);
  check('y' + (i % 2), y, 128 * 128);
  const z = addon.matmul(a, y, F32, 1, 784, 128, 128, true, false, false, false);
  check("z" + (i % 2), z, 784 * 128);
  addon.free(y); addon.free(z);
}
console.log(threads, 'bad', JSON.stringify(bad));
