/**
 * Three WebAssembly SIMD functions (one module) for training-mode batch norm
 * over the last axis, run on the tfjs wasm backend's own memory (see
 * simdKernels.ts for how the module is bound to it). A tensor with C
 * channels last is a row-major [R, C] matrix; each function is one pass
 * over it, four channels at a time (a scalar loop does C mod 4):
 *  - colsqdev: s · Σ_r (x − μ)² per channel (the variance, two-pass form,
 *    after colsum's mean: no cancellation as with E[x²] − μ²);
 *  - colsum2: Σ_r dy and Σ_r dy·(x − μ) per channel (the backward's sums);
 *  - bnmix: u·p + (x − μ)·q + b with per-channel p, q, b — the normalised
 *    output (u = x, p = 0) and the input gradient (u = dy).
 * Arithmetic and accumulation in float32, as the backend's own kernels.
 *
 * The bytes are BATCH_NORM_WAT assembled with wabt 1.0.39 (`parseWat(…,
 * { simd: true }).toBinary({})`); test/unit/workers/batchNormSimdSource.test.ts
 * checks that they are exactly that assembly, fusedBatchNorm.test.ts checks
 * the results against the cpu backend.
 */
import { functionsOnBackendMemory } from '../simdKernels';

export const BATCH_NORM_WAT = `
(module
  (import "env" "memory" (memory 0))
  ;; Helpers over the first end bytes at p: set to 0, multiply by s.
  (func $zero (param $p i32) (param $end i32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $p) (local.get $i)) (f32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))
  (func $scale (param $p i32) (param $end i32) (param $s f32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $p) (local.get $i)) (f32.mul (f32.load (i32.add (local.get $p) (local.get $i))) (local.get $s)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))))
  ;; out[c] = s * sum over rows of (x[r,c] - mean[c])^2, for a row-major [rows, cols] x: one pass, four columns at a time.
  (func (export "colsqdev")
    (param $x i32) (param $mean i32) (param $out i32) (param $rows i32) (param $cols i32) (param $s f32)
    (local $i i32) (local $r i32) (local $vecEnd i32) (local $end i32) (local $v v128) (local $f f32)
    (local.set $end (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (call $zero (local.get $out) (local.get $end))
    (block $rd (loop $row
      (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $v (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $mean) (local.get $i)))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $i))) (f32x4.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $f (f32.sub (f32.load (i32.add (local.get $x) (local.get $i))) (f32.load (i32.add (local.get $mean) (local.get $i)))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $out) (local.get $i))) (f32.mul (local.get $f) (local.get $f))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
      (local.set $x (i32.add (local.get $x) (local.get $end)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))
    (call $scale (local.get $out) (local.get $end) (local.get $s)))
  ;; sa[c] = sum over rows of dy[r,c]; sb[c] = sum over rows of dy[r,c] * (x[r,c] - mean[c]): one pass over dy and x.
  (func (export "colsum2")
    (param $dy i32) (param $x i32) (param $mean i32) (param $sa i32) (param $sb i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $r i32) (local $vecEnd i32) (local $end i32) (local $g v128) (local $f f32)
    (local.set $end (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (call $zero (local.get $sa) (local.get $end))
    (call $zero (local.get $sb) (local.get $end))
    (block $rd (loop $row
      (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $g (v128.load (i32.add (local.get $dy) (local.get $i))))
        (v128.store (i32.add (local.get $sa) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $sa) (local.get $i))) (local.get $g)))
        (v128.store (i32.add (local.get $sb) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $sb) (local.get $i)))
            (f32x4.mul (local.get $g)
              (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $mean) (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $f (f32.load (i32.add (local.get $dy) (local.get $i))))
        (f32.store (i32.add (local.get $sa) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $sa) (local.get $i))) (local.get $f)))
        (f32.store (i32.add (local.get $sb) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $sb) (local.get $i)))
            (f32.mul (local.get $f)
              (f32.sub (f32.load (i32.add (local.get $x) (local.get $i))) (f32.load (i32.add (local.get $mean) (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
      (local.set $dy (i32.add (local.get $dy) (local.get $end)))
      (local.set $x (i32.add (local.get $x) (local.get $end)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))
  ;; out[r,c] = u[r,c] * p[c] + (x[r,c] - mean[c]) * q[c] + b[c]: the normalised output (u = x, p = 0) and dx, in one pass.
  (func (export "bnmix")
    (param $u i32) (param $p i32) (param $x i32) (param $mean i32) (param $q i32) (param $b i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $r i32) (local $vecEnd i32) (local $end i32)
    (local.set $end (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $rd (loop $row
      (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load (i32.add (local.get $u) (local.get $i))) (v128.load (i32.add (local.get $p) (local.get $i))))
              (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $mean) (local.get $i))))
                (v128.load (i32.add (local.get $q) (local.get $i)))))
            (v128.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $u) (local.get $i))) (f32.load (i32.add (local.get $p) (local.get $i))))
              (f32.mul
                (f32.sub (f32.load (i32.add (local.get $x) (local.get $i))) (f32.load (i32.add (local.get $mean) (local.get $i))))
                (f32.load (i32.add (local.get $q) (local.get $i)))))
            (f32.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
      (local.set $u (i32.add (local.get $u) (local.get $end)))
      (local.set $x (i32.add (local.get $x) (local.get $end)))
      (local.set $out (i32.add (local.get $out) (local.get $end)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))))
`;

export const BATCH_NORM_WASM_BASE64 = 'AGFzbQEAAAABKwVgAn9/AGADf399AGAGf39/f399AGAHf39/f39/fwBgCX9/f39/f39/fwACDwEDZW52Bm1lbW9yeQIAAAMGBQABAgMEBx4DCGNvbHNxZGV2AAIHY29sc3VtMgADBWJubWl4AAQKqwYFJwEBfwJAA0AgAiABTw0BIAAgAmpDAAAAADgCACACQQRqIQIMAAsLCy0BAX8CQANAIAMgAU8NASAAIANqIAAgA2oqAgAgApQ4AgAgA0EEaiEDDAALCwvNAQMEfwF7AX0gBEECdCEJIAlBcHEhCCACIAkQAAJAA0AgByADTw0BQQAhBgJAA0AgBiAITw0BIAAgBmr9AAQAIAEgBmr9AAQA/eUBIQogAiAGaiACIAZq/QAEACAKIAr95gH95AH9CwQAIAZBEGohBgwACwsCQANAIAYgCU8NASAAIAZqKgIAIAEgBmoqAgCTIQsgAiAGaiACIAZqKgIAIAsgC5SSOAIAIAZBBGohBgwACwsgACAJaiEAIAdBAWohBwwACwsgAiAJIAUQAQuJAgMEfwF7AX0gBkECdCEKIApBcHEhCSADIAoQACAEIAoQAAJAA0AgCCAFTw0BQQAhBwJAA0AgByAJTw0BIAAgB2r9AAQAIQsgAyAHaiADIAdq/QAEACAL/eQB/QsEACAEIAdqIAQgB2r9AAQAIAsgASAHav0ABAAgAiAHav0ABAD95QH95gH95AH9CwQAIAdBEGohBwwACwsCQANAIAcgCk8NASAAIAdqKgIAIQwgAyAHaiADIAdqKgIAIAySOAIAIAQgB2ogBCAHaioCACAMIAEgB2oqAgAgAiAHaioCAJOUkjgCACAHQQRqIQcMAAsLIAAgCmohACABIApqIQEgCEEBaiEIDAALCwv4AQEEfyAIQQJ0IQwgDEFwcSELAkADQCAKIAdPDQFBACEJAkADQCAJIAtPDQEgBiAJaiAAIAlq/QAEACABIAlq/QAEAP3mASACIAlq/QAEACADIAlq/QAEAP3lASAEIAlq/QAEAP3mAf3kASAFIAlq/QAEAP3kAf0LBAAgCUEQaiEJDAALCwJAA0AgCSAMTw0BIAYgCWogACAJaioCACABIAlqKgIAlCACIAlqKgIAIAMgCWoqAgCTIAQgCWoqAgCUkiAFIAlqKgIAkjgCACAJQQRqIQkMAAsLIAAgDGohACACIAxqIQIgBiAMaiEGIApBAWohCgwACwsL';

/** The same module for a shared memory (tfjs's threaded build, workers/engine/wasmThreads.ts), as simdKernels.ts' SIMD_WAT_SHARED. */
export const BATCH_NORM_WAT_SHARED = BATCH_NORM_WAT.replace('(import "env" "memory" (memory 0))', '(import "env" "memory" (memory 0 65536 shared))');

/** BATCH_NORM_WAT_SHARED assembled with wabt 1.0.39 (simd and threads on). */
export const BATCH_NORM_WASM_SHARED_BASE64 = 'AGFzbQEAAAABKwVgAn9/AGADf399AGAGf39/f399AGAHf39/f39/fwBgCX9/f39/f39/fwACEgEDZW52Bm1lbW9yeQIDAICABAMGBQABAgMEBx4DCGNvbHNxZGV2AAIHY29sc3VtMgADBWJubWl4AAQKqwYFJwEBfwJAA0AgAiABTw0BIAAgAmpDAAAAADgCACACQQRqIQIMAAsLCy0BAX8CQANAIAMgAU8NASAAIANqIAAgA2oqAgAgApQ4AgAgA0EEaiEDDAALCwvNAQMEfwF7AX0gBEECdCEJIAlBcHEhCCACIAkQAAJAA0AgByADTw0BQQAhBgJAA0AgBiAITw0BIAAgBmr9AAQAIAEgBmr9AAQA/eUBIQogAiAGaiACIAZq/QAEACAKIAr95gH95AH9CwQAIAZBEGohBgwACwsCQANAIAYgCU8NASAAIAZqKgIAIAEgBmoqAgCTIQsgAiAGaiACIAZqKgIAIAsgC5SSOAIAIAZBBGohBgwACwsgACAJaiEAIAdBAWohBwwACwsgAiAJIAUQAQuJAgMEfwF7AX0gBkECdCEKIApBcHEhCSADIAoQACAEIAoQAAJAA0AgCCAFTw0BQQAhBwJAA0AgByAJTw0BIAAgB2r9AAQAIQsgAyAHaiADIAdq/QAEACAL/eQB/QsEACAEIAdqIAQgB2r9AAQAIAsgASAHav0ABAAgAiAHav0ABAD95QH95gH95AH9CwQAIAdBEGohBwwACwsCQANAIAcgCk8NASAAIAdqKgIAIQwgAyAHaiADIAdqKgIAIAySOAIAIAQgB2ogBCAHaioCACAMIAEgB2oqAgAgAiAHaioCAJOUkjgCACAHQQRqIQcMAAsLIAAgCmohACABIApqIQEgCEEBaiEIDAALCwv4AQEEfyAIQQJ0IQwgDEFwcSELAkADQCAKIAdPDQFBACEJAkADQCAJIAtPDQEgBiAJaiAAIAlq/QAEACABIAlq/QAEAP3mASACIAlq/QAEACADIAlq/QAEAP3lASAEIAlq/QAEAP3mAf3kASAFIAlq/QAEAP3kAf0LBAAgCUEQaiEJDAALCwJAA0AgCSAMTw0BIAYgCWogACAJaioCACABIAlqKgIAlCACIAlqKgIAIAMgCWoqAgCTIAQgCWoqAgCUkiAFIAlqKgIAkjgCACAJQQRqIQkMAAsLIAAgDGohACACIAxqIQIgBiAMaiEGIApBAWohCgwACwsL';

/** colsqdev(x, mean, out, rows, cols, scale): byte offsets into the backend's memory. */
export type ColumnSquaredDeviation = (x: number, mean: number, out: number, rows: number, cols: number, scale: number) => void;
/** colsum2(dy, x, mean, sumDy, sumDyCentred, rows, cols). */
export type ColumnGradientSums = (dy: number, x: number, mean: number, sumDy: number, sumDyCentred: number, rows: number, cols: number) => void;
/** bnmix(u, p, x, mean, q, b, out, rows, cols). */
export type ChannelMix = (u: number, p: number, x: number, mean: number, q: number, b: number, out: number, rows: number, cols: number) => void;

export interface BatchNormSimd { colsqdev: ColumnSquaredDeviation; colsum2: ColumnGradientSums; bnmix: ChannelMix }

const typed = new WeakMap<Record<string, unknown>, BatchNormSimd | null>();

function wrap(functions: Record<string, unknown>): BatchNormSimd | null {
  const [colsqdev, colsum2, bnmix] = [functions['colsqdev'], functions['colsum2'], functions['bnmix']];
  if (typeof colsqdev !== 'function' || typeof colsum2 !== 'function' || typeof bnmix !== 'function') return null;
  return {
    colsqdev: (...args) => { Reflect.apply(colsqdev, undefined, args); },
    colsum2: (...args) => { Reflect.apply(colsum2, undefined, args); },
    bnmix: (...args) => { Reflect.apply(bnmix, undefined, args); },
  };
}

/** The functions bound to a wasm backend module's memory; null when they cannot run there (the caller falls back to tfjs). */
export function batchNormSimdFor(wasmModule: object): BatchNormSimd | null {
  const functions = functionsOnBackendMemory(wasmModule, { plain: BATCH_NORM_WASM_BASE64, shared: BATCH_NORM_WASM_SHARED_BASE64 });
  if (functions === null) return null;
  if (!typed.has(functions)) typed.set(functions, wrap(functions));
  return typed.get(functions) ?? null;
}
