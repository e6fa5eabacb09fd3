// Writes csrc/kernel_args.h from src/kernel-args.ts (the one description of
// the C tasks' argument structs). With --check it writes nothing and fails
// when the committed header differs.
// Usage: node scripts/gen-kernel-args.mjs [--check]
import { importTs, writeOrCheck } from './generated-header.mjs';

const { kernelArgsHeader } = await importTs('src/kernel-args.ts');
writeOrCheck(
  'csrc/kernel_args.h',
  kernelArgsHeader(),
  'gen-kernel-args: csrc/kernel_args.h differs from src/kernel-args.ts; run node scripts/gen-kernel-args.mjs',
);
