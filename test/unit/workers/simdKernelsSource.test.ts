/**
 * The fused Adam's and the leading-axis sums' WebAssembly (workers/engine/simdKernels.ts)
 * ships as bytes; this checks that those bytes are exactly what its WAT source
 * assembles to (wabt 1.0.39, SIMD on), so the readable source is the code that runs.
 */
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { SIMD_WASM_BASE64, SIMD_WAT } from '../../../workers/engine/simdKernels';

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
});
