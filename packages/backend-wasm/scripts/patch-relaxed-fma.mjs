// Rewrites clang 14's pre-standard relaxed-SIMD fma (opcode 0xfd 0xaf 0x01,
// from __builtin_wasm_fma_f32x4) into the standardized f32x4.relaxed_madd
// (0xfd 0x85 0x02), which engines accept. Both encodings are 3 bytes, so no
// offsets or section sizes change.
//
// Instruction boundaries come from llvm-objdump's disassembly (it knows the
// old opcode), so only real fma instructions are rewritten, never look-alike
// bytes inside immediates. Any other relaxed instruction fails the build: this
// script only knows the mapping for f32x4.fma.
//
// Operands keep their stack order: builtin(a, b, c) becomes relaxed_madd(a, b, c)
// = a * b + c (the standardized semantics).
//
// Usage: node scripts/patch-relaxed-fma.mjs in.wasm out.wasm  (prints the count)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: patch-relaxed-fma.mjs in.wasm out.wasm');
  process.exit(2);
}
const fail = (msg) => {
  console.error(`patch-relaxed-fma: ${input}: ${msg}`);
  process.exit(1);
};

const bytes = readFileSync(input);

function uleb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [result, pos];
  }
}

// Find the code section's payload (llvm-objdump's addresses are relative to it).
let code;
for (let pos = 8; pos < bytes.length; ) {
  const id = bytes[pos];
  const [size, start] = uleb(bytes, pos + 1);
  if (id === 10) code = { start, end: start + size };
  pos = start + size;
}
if (!code) fail('no code section');

const objdump = ['llvm-objdump-14', 'llvm-objdump'].find((bin) => {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!objdump) fail('llvm-objdump (14) not found');
const asm = execFileSync(objdump, ['-d', input], { encoding: 'utf8', maxBuffer: 1 << 28 });

const OLD = [0xfd, 0xaf, 0x01];
const NEW = [0xfd, 0x85, 0x02];
const out = Buffer.from(bytes);
let patched = 0;
let instructions = 0;
for (const line of asm.split('\n')) {
  const m = /^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(\S+)/.exec(line);
  if (!m) continue;
  instructions++;
  const [, addr, , mnemonic] = m;
  if (mnemonic === 'f32x4.fma') {
    const at = code.start + parseInt(addr, 16);
    if (at + 3 > code.end || OLD.some((b, i) => bytes[at + i] !== b)) {
      fail(`f32x4.fma at code offset 0x${addr} is not encoded as fd af 01`);
    }
    NEW.forEach((b, i) => (out[at + i] = b));
    patched++;
  } else if (/relaxed|fma|fms|laneselect|<unknown>/.test(mnemonic)) {
    fail(`unsupported instruction '${mnemonic}' at code offset 0x${addr}`);
  }
}
if (instructions === 0) fail('llvm-objdump printed no instructions');
if (patched === 0) fail('no f32x4.fma found (was it built with -DTENSILE_RELAXED -mrelaxed-simd?)');
writeFileSync(output, out);
console.log(patched);
