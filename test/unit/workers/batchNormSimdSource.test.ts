/**
 * The batch-norm WebAssembly (workers/engine/kernels/batchNormSimd.ts) ships as
 * bytes; this checks that they are exactly what its WAT source assembles to
 * (wabt 1.0.39, SIMD on), so the readable source is the code that runs.
 */
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_WASM_BASE64, BATCH_NORM_WASM_SHARED_BASE64, BATCH_NORM_WAT, BATCH_NORM_WAT_SHARED } from '../../../workers/engine/kernels/batchNormSimd';

describe('batchNormSimd bytes', () => {
  it('are the assembly of BATCH_NORM_WAT', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat('batchNorm.wat', BATCH_NORM_WAT, { simd: true });
    try {
      const { buffer } = module.toBinary({});
      expect(Buffer.from(buffer).toString('base64')).toBe(BATCH_NORM_WASM_BASE64);
    } finally {
      module.destroy();
    }
  });

  it('for a shared memory are the assembly of BATCH_NORM_WAT_SHARED, which differs only in the memory import', async () => {
    expect(BATCH_NORM_WAT_SHARED).toBe(BATCH_NORM_WAT.replace('(memory 0))', '(memory 0 65536 shared))'));
    expect(BATCH_NORM_WAT_SHARED).not.toBe(BATCH_NORM_WAT);
    const wabt = await wabtInit();
    const module = wabt.parseWat('batchNormShared.wat', BATCH_NORM_WAT_SHARED, { simd: true, threads: true });
    try {
      const { buffer } = module.toBinary({});
      expect(Buffer.from(buffer).toString('base64')).toBe(BATCH_NORM_WASM_SHARED_BASE64);
    } finally {
      module.destroy();
    }
  });
});
