// Writes csrc/op_codes.h from src/op-codes.ts and core's op tables (the op
// names, in order, from @tensile/core's build). With --check it writes
// nothing and fails when the committed header differs.
// Usage: node scripts/gen-op-codes.mjs [--check]
import { BINARY_OP_NAMES, UNARY_KERNEL_OP_NAMES } from '@tensile/core';
import { importTs, writeOrCheck } from './generated-header.mjs';

const { opCodesHeader } = await importTs('src/op-codes.ts');
writeOrCheck(
  'csrc/op_codes.h',
  opCodesHeader(UNARY_KERNEL_OP_NAMES, BINARY_OP_NAMES),
  "gen-op-codes: csrc/op_codes.h differs from src/op-codes.ts and core's op tables; run node scripts/gen-op-codes.mjs (after building @tensile/core)",
);
