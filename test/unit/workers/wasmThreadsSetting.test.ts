/** LATENT_WASM_THREADS parsing (workers/engine/wasmThreads.ts): unset keeps today's single thread. */
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { wasmThreadsSetting } from '../../../workers/engine/wasmThreads';

describe('wasmThreadsSetting', () => {
  it('is 1 when unset, empty or not a non-negative integer', () => {
    expect(wasmThreadsSetting({})).toBe(1);
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: ' ' })).toBe(1);
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: 'two' })).toBe(1);
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: '-2' })).toBe(1);
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: '1.5' })).toBe(1);
  });
  it('takes a count as given, capped at tfjs’s 8 pool workers, and 0 as every logical core', () => {
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: '2' })).toBe(2);
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: '64' })).toBe(8);
    expect(wasmThreadsSetting({ LATENT_WASM_THREADS: '0' })).toBe(os.cpus().length);
  });
});
