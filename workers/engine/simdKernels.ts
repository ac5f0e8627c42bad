/**
 * Two WebAssembly SIMD functions (one 688-byte module) that run on the tfjs
 * wasm backend's own memory (imported: the backend's module exports it as
 * asm.memory; tfjs's threaded build, wasmThreads.ts, has a shared memory, at
 * Module.wasmMemory, which SIMD_WAT_SHARED imports), four floats at a time:
 *  - adam: the fused Adam update (fusedAdam.ts) reads g, m, v, w and writes
 *    the new m, v, w in place of ~14 tfjs kernels.
 *  - colsum: column sums (× a scale, for means) of a row-major [R, C]
 *    matrix in one pass — reductions over leading axes
 *    (kernels/leadingAxisSum.ts), which the backend does by transposing.
 *
 * adam: A JS loop over heap
 * views does the same arithmetic at about tfjs' speed (sqrt and division per
 * element in double); f32x4 does four per instruction.
 *
 * Arithmetic in float32, as tfjs' chain:
 *   m' = β₁m + c₁g;  v' = β₂v + c₂g·g;  w' = w + step·m' / (√(v'·inv2) + ε)
 * with c₁ = 1−β₁, c₂ = 1−β₂ (computed in double by the caller, as tfjs' are:
 * 1 − f32(0.999) in float32 is 1.3e-5 off 0.001, enough for runs to drift),
 * step = −lr/(1−β₁ᵗ) and inv2 = 1/(1−β₂ᵗ); a scalar loop does n mod 4.
 *
 * The bytes are SIMD_WAT below, assembled with wabt 1.0.39 (`parseWat(…,
 * { simd: true }).toBinary({})`; test/unit/workers/simdKernelsSource.test.ts checks
 * that the bytes are exactly that assembly); the tests check them against tfjs (adam) and the cpu backend (colsum).
 */

export const SIMD_WAT = `
(module
  (import "env" "memory" (memory 0))
  ;; Adam over n float32s at byte offsets g, m, v, w (in) and mo, vo, wo (out):
  ;; m' = b1*m + c1*g; v' = b2*v + c2*g*g; w' = w + step*m' / (sqrt(v'*inv2) + eps)
  ;; (c1 = 1-b1 and c2 = 1-b2 come from the caller, rounded from double as tfjs' constants are)
  (func (export "adam")
    (param $g i32) (param $m i32) (param $v i32) (param $w i32)
    (param $mo i32) (param $vo i32) (param $wo i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32) (param $step f32) (param $inv2 f32) (param $eps f32)
    (local $i i32) (local $end i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $B2 v128) (local $C1 v128) (local $C2 v128) (local $S v128) (local $I2 v128) (local $E v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $S (f32x4.splat (local.get $step)))
    (local.set $I2 (f32x4.splat (local.get $inv2)))
    (local.set $E (f32x4.splat (local.get $eps)))
    ;; vector part: bytes [0, end) with end = (n & ~3) * 4
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.add
          (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f32x4.mul (local.get $C1) (local.get $gv))))
        (local.set $vv (f32x4.add
          (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f32x4.mul (local.get $C2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $mo) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $wo) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div (f32x4.mul (local.get $S) (local.get $mv))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $I2))) (local.get $E)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    ;; scalar tail
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $i)))) (f32.mul (local.get $c1) (local.get $gs))))
        (local.set $vs (f32.add (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $i)))) (f32.mul (local.get $c2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $mo) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $wo) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div (f32.mul (local.get $step) (local.get $ms))
              (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $inv2))) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))
  ;; Column sums of a row-major [rows, cols] float32 matrix at byte offset x, times scale, into out (cols floats):
  ;; one pass over x, four columns at a time (the scalar loop does cols mod 4).
  (func (export "colsum")
    (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $scale f32)
    (local $i i32) (local $r i32) (local $p i32) (local $vecEnd i32) (local $end i32)
    (local.set $end (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecEnd (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $zd (loop $zero
      (br_if $zd (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $out) (local.get $i)) (f32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $zero)))
    (local.set $p (local.get $x))
    (block $rd (loop $row
      (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (block $vd (loop $vec
        (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $i))) (v128.load (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
      (block $td (loop $tail
        (br_if $td (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add (f32.load (i32.add (local.get $out) (local.get $i))) (f32.load (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
      (local.set $p (i32.add (local.get $p) (local.get $end)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row)))
    (if (f32.ne (local.get $scale) (f32.const 1))
      (then
        (local.set $i (i32.const 0))
        (block $sd (loop $sc
          (br_if $sd (i32.ge_u (local.get $i) (local.get $end)))
          (f32.store (i32.add (local.get $out) (local.get $i)) (f32.mul (f32.load (i32.add (local.get $out) (local.get $i))) (local.get $scale)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $sc)))))))
`;

export const SIMD_WASM_BASE64 = 'AGFzbQEAAAABGwJgD39/f39/f39/fX19fX19fQBgBX9/f399AAIPAQNlbnYGbWVtb3J5AgAAAwMCAAEHEQIEYWRhbQAABmNvbHN1bQABCt8EAt4CAwJ/CnsDfSAI/RMhFCAJ/RMhFSAK/RMhFiAL/RMhFyAM/RMhGCAN/RMhGSAO/RMhGiAHQXxxQQJ0IRACQANAIA8gEE8NASAAIA9q/QAEACERIBQgASAPav0ABAD95gEgFiAR/eYB/eQBIRIgFSACIA9q/QAEAP3mASAXIBEgEf3mAf3mAf3kASETIAQgD2ogEv0LBAAgBSAPaiAT/QsEACAGIA9qIAMgD2r9AAQAIBggEv3mASATIBn95gH94wEgGv3kAf3nAf3kAf0LBAAgD0EQaiEPDAALCyAHQQJ0IRACQANAIA8gEE8NASAAIA9qKgIAIRsgCCABIA9qKgIAlCAKIBuUkiEcIAkgAiAPaioCAJQgCyAbIBuUlJIhHSAEIA9qIBw4AgAgBSAPaiAdOAIAIAYgD2ogAyAPaioCACAMIByUIB0gDZSRIA6SlZI4AgAgD0EEaiEPDAALCwv8AQEFfyADQQJ0IQkgA0F8cUECdCEIQQAhBQJAA0AgBSAJTw0BIAEgBWpDAAAAADgCACAFQQRqIQUMAAsLIAAhBwJAA0AgBiACTw0BQQAhBQJAA0AgBSAITw0BIAEgBWogASAFav0ABAAgByAFav0ABAD95AH9CwQAIAVBEGohBQwACwsCQANAIAUgCU8NASABIAVqIAEgBWoqAgAgByAFaioCAJI4AgAgBUEEaiEFDAALCyAHIAlqIQcgBkEBaiEGDAALCyAEQwAAgD9cBEBBACEFAkADQCAFIAlPDQEgASAFaiABIAVqKgIAIASUOAIAIAVBBGohBQwACwsLCw==';

/**
 * The same module for a shared memory (tfjs's threaded build, workers/engine/wasmThreads.ts):
 * a shared memory can only be imported as `shared` with a maximum; 65536 pages (4 GiB)
 * admits Emscripten's (its maximum is 65535). Assembled with wabt's threads feature on too.
 */
export const SIMD_WAT_SHARED = SIMD_WAT.replace('(import "env" "memory" (memory 0))', '(import "env" "memory" (memory 0 65536 shared))');

export const SIMD_WASM_SHARED_BASE64 = 'AGFzbQEAAAABGwJgD39/f39/f39/fX19fX19fQBgBX9/f399AAISAQNlbnYGbWVtb3J5AgMAgIAEAwMCAAEHEQIEYWRhbQAABmNvbHN1bQABCt8EAt4CAwJ/CnsDfSAI/RMhFCAJ/RMhFSAK/RMhFiAL/RMhFyAM/RMhGCAN/RMhGSAO/RMhGiAHQXxxQQJ0IRACQANAIA8gEE8NASAAIA9q/QAEACERIBQgASAPav0ABAD95gEgFiAR/eYB/eQBIRIgFSACIA9q/QAEAP3mASAXIBEgEf3mAf3mAf3kASETIAQgD2ogEv0LBAAgBSAPaiAT/QsEACAGIA9qIAMgD2r9AAQAIBggEv3mASATIBn95gH94wEgGv3kAf3nAf3kAf0LBAAgD0EQaiEPDAALCyAHQQJ0IRACQANAIA8gEE8NASAAIA9qKgIAIRsgCCABIA9qKgIAlCAKIBuUkiEcIAkgAiAPaioCAJQgCyAbIBuUlJIhHSAEIA9qIBw4AgAgBSAPaiAdOAIAIAYgD2ogAyAPaioCACAMIByUIB0gDZSRIA6SlZI4AgAgD0EEaiEPDAALCwv8AQEFfyADQQJ0IQkgA0F8cUECdCEIQQAhBQJAA0AgBSAJTw0BIAEgBWpDAAAAADgCACAFQQRqIQUMAAsLIAAhBwJAA0AgBiACTw0BQQAhBQJAA0AgBSAITw0BIAEgBWogASAFav0ABAAgByAFav0ABAD95AH9CwQAIAVBEGohBQwACwsCQANAIAUgCU8NASABIAVqIAEgBWoqAgAgByAFaioCAJI4AgAgBUEEaiEFDAALCyAHIAlqIQcgBkEBaiEGDAALCyAEQwAAgD9cBEBBACEFAkADQCAFIAlPDQEgASAFaiABIAVqKgIAIASUOAIAIAVBBGohBQwACwsLCw==';

/** adam(g, m, v, w, mOut, vOut, wOut, n, β₁, β₂, c₁, c₂, step, inv2, ε): byte offsets into the memory; n floats. */
export type AdamKernel = (g: number, m: number, v: number, w: number, mOut: number, vOut: number, wOut: number, n: number,
  beta1: number, beta2: number, c1: number, c2: number, step: number, inv2: number, epsilon: number) => void;

/**
 * The bits of the WebAssembly API used here. The node build's lib has no
 * WebAssembly declarations (no DOM), so the global is reached through
 * Reflect and checked.
 */
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => object;
}

function isWasmRuntime(w: unknown): w is WasmRuntime {
  return typeof w === 'object' && w !== null && ['Module', 'Instance', 'Memory'].every((k) => typeof Reflect.get(w, k) === 'function');
}

/** colsum(x, out, rows, cols, scale): byte offsets into the memory. */
export type ColumnSumKernel = (x: number, out: number, rows: number, cols: number, scale: number) => void;

interface SimdKernels { adam: AdamKernel; colsum: ColumnSumKernel }

/** Instances per backend memory, per module bytes (this file's and kernels/batchNormSimd.ts'). */
const instances = new WeakMap<object, Map<string, Record<string, unknown> | null>>();

/** A module's bytes for each kind of backend memory: the shared variant imports `(memory 0 65536 shared)`. */
export interface ModuleBytes { plain: string; shared: string }

function instantiate(runtime: WasmRuntime, memory: object, bytes: ModuleBytes): Record<string, unknown> | null {
  // A shared memory (the threaded build) takes the `shared` import; SIMD may be missing: the caller falls back.
  const shared = typeof SharedArrayBuffer !== 'undefined' && Reflect.get(memory, 'buffer') instanceof SharedArrayBuffer;
  try {
    const module = new runtime.Module(Buffer.from(shared ? bytes.shared : bytes.plain, 'base64'));
    // Not named `exports`: in the CommonJS build that would shadow the module's own, through which SIMD_WASM_BASE64 is read.
    return new runtime.Instance(module, { env: { memory } }).exports;
  } catch {
    return null;
  }
}

/**
 * The exported functions of a module (base64 bytes importing env.memory)
 * instantiated on a wasm backend module's memory, or null when they cannot
 * run there (no SIMD). One instance per memory and module.
 */
export function functionsOnBackendMemory(wasmModule: object, bytes: ModuleBytes): Record<string, unknown> | null {
  const runtime: unknown = Reflect.get(globalThis, 'WebAssembly');
  const asm: unknown = Reflect.get(wasmModule, 'asm');
  // The single-threaded build exports its memory (asm.memory); the threaded one imports it (Module.wasmMemory).
  const memory: unknown = (typeof asm === 'object' && asm !== null ? Reflect.get(asm, 'memory') : undefined) ?? Reflect.get(wasmModule, 'wasmMemory');
  if (!isWasmRuntime(runtime) || typeof memory !== 'object' || memory === null || !(memory instanceof runtime.Memory)) return null;
  let byModule = instances.get(memory);
  if (!byModule) { byModule = new Map(); instances.set(memory, byModule); }
  if (!byModule.has(bytes.plain)) byModule.set(bytes.plain, instantiate(runtime, memory, bytes));
  return byModule.get(bytes.plain) ?? null;
}

/** The kernels bound to a wasm backend module's memory (null when they cannot run there). */
const typed = new WeakMap<Record<string, unknown>, SimdKernels | null>();

function simdKernelsFor(wasmModule: object): SimdKernels | null {
  const functions = functionsOnBackendMemory(wasmModule, { plain: SIMD_WASM_BASE64, shared: SIMD_WASM_SHARED_BASE64 });
  if (functions === null) return null;
  if (!typed.has(functions)) {
    const [adam, colsum] = [functions['adam'], functions['colsum']];
    typed.set(functions, typeof adam !== 'function' || typeof colsum !== 'function' ? null
      : { adam: (...args) => { Reflect.apply(adam, undefined, args); }, colsum: (...args) => { Reflect.apply(colsum, undefined, args); } });
  }
  return typed.get(functions) ?? null;
}

export const adamKernelFor = (wasmModule: object): AdamKernel | null => simdKernelsFor(wasmModule)?.adam ?? null;
export const columnSumKernelFor = (wasmModule: object): ColumnSumKernel | null => simdKernelsFor(wasmModule)?.colsum ?? null;
