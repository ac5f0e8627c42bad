/**
 * The fused Adam's and the leading-axis sums' WebAssembly (workers/engine/simdKernels.ts)
 * ships as bytes; this checks that those bytes are exactly what its WAT source
 * assembles to (wabt 1.0.39, SIMD on), so the readable source is the code that runs.
 */
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { SIMD_WASM_BASE64, SIMD_WASM_SHARED_BASE64, SIMD_WAT, SIMD_WAT_SHARED } from '../../../workers/engine/simdKernels';

describe('simdKernels bytes', () => {
  it('are the assembly of SIMD_WAT', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat('simdKernels.wat', SIMD_WAT, { simd: true });
    try {
      const { buffer } = module.toBinary({});
      expect(Buffer.from(buffer).toString('base64')).toBe(SIMD_WASM_BASE64);
    } finally {
      module.destroy();
    }
  });
  it('for a shared memory are the assembly of SIMD_WAT_SHARED, which differs only in the memory import', async () => {
    expect(SIMD_WAT_SHARED).toBe(SIMD_WAT.replace('(memory 0))', '(memory 0 65536 shared))'));
    expect(SIMD_WAT_SHARED).not.toBe(SIMD_WAT);
    const wabt = await wabtInit();
    const module = wabt.parseWat('simdKernelsShared.wat', SIMD_WAT_SHARED, { simd: true, threads: true });
    try {
      const { buffer } = module.toBinary({});
      expect(Buffer.from(buffer).toString('base64')).toBe(SIMD_WASM_SHARED_BASE64);
    } finally {
      module.destroy();
    }
  });
});
