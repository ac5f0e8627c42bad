/**
 * Shapes and parameter counts of the token and transformer kinds (oneHot,
 * positionalEncoding, selfAttention), split out of shapes.ts so each stays
 * small. The formulas are the ones the tf.js layers in workers/engine build
 * (oneHot.ts, positionalEncoding.ts, selfAttentionLayer.ts), so a compiled
 * model's countParams() equals the report's total. Pure.
 */
import type { GraphError, Shape } from './graph';
import type { LayerParams } from './layers';

export interface KindShape { shape?: Shape; params: number; error?: GraphError }

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

function mismatch(nodeId: string, message: string, hint: string): KindShape {
  return { params: 0, error: { code: 'shape-mismatch', nodeId, message, hint } };
}

/** Token ids [T] → [T, depth]; no weights (0 parameters). */
export function oneHotShape(id: string, p: LayerParams<'oneHot'>, input: Shape): KindShape {
  if (input.length !== 1) {
    return mismatch(id, `oneHot '${id}' needs a rank-1 [steps] input of token ids, got ${fmt(input)}`,
      input.length === 2 && input[1] === 1
        ? `Reshape the input to [${input[0]}] before '${id}'`
        : `Feed '${id}' a sequence of token ids [T] (an input of shape [T]); it is already a vector sequence, so drop the oneHot`);
  }
  return { shape: [input[0]!, p.depth], params: 0 };
}

/**
 * [T, d] → [T, d] with T ≤ maxLength. Parameters: 'sinusoidal' 0 (a fixed
 * table), 'learned' maxLength·d (the whole table is trained, whatever T is).
 */
export function positionalEncodingShape(id: string, p: LayerParams<'positionalEncoding'>, input: Shape): KindShape {
  if (input.length !== 2) {
    return mismatch(id, `positionalEncoding '${id}' needs a rank-2 [steps, d] sequence input, got ${fmt(input)}`,
      input.length === 1 ? `Put an embedding (or oneHot then dense) before '${id}' so each token is a vector` : `Reshape the input to [steps, features] before '${id}'`);
  }
  const [t, d] = input as [number, number];
  if (t > p.maxLength) {
    return {
      params: 0,
      error: { code: 'bad-params', nodeId: id, message: `positionalEncoding '${id}': the sequence has ${t} steps but maxLength is ${p.maxLength}`, hint: `Set maxLength to at least ${t}` },
    };
  }
  return { shape: [t, d], params: p.encoding === 'learned' ? p.maxLength * d : 0 };
}

/**
 * A pre-norm transformer block over [T, d] → [T, d], d a multiple of heads.
 * Parameters, with f = ffUnits:
 *   two layer norms (γ, β each)        2·(2d)
 *   W_q, W_k, W_v, W_o (kernel + bias)  4·(d·d + d)
 *   feed-forward d → f → d             d·f + f + f·d + d
 */
export function selfAttentionParams(d: number, ffUnits: number): number {
  return 2 * (2 * d) + 4 * (d * d + d) + (d * ffUnits + ffUnits + ffUnits * d + d);
}

/** The self-attention block's weights in the layer's (and checkpoints') order. */
export const SELF_ATTENTION_WEIGHTS = [
  'ln1Gamma', 'ln1Beta', 'wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'ln2Gamma', 'ln2Beta', 'ff1Kernel', 'ff1Bias', 'ff2Kernel', 'ff2Bias',
] as const;
export type SelfAttentionWeightName = (typeof SELF_ATTENTION_WEIGHTS)[number];

/** Each weight's shape for d features and f = ffUnits hidden units (their sizes add up to selfAttentionParams). */
export function selfAttentionWeightShapes(d: number, f: number): [SelfAttentionWeightName, number[]][] {
  const shapes: Record<SelfAttentionWeightName, number[]> = {
    ln1Gamma: [d], ln1Beta: [d], wq: [d, d], bq: [d], wk: [d, d], bk: [d], wv: [d, d], bv: [d], wo: [d, d], bo: [d],
    ln2Gamma: [d], ln2Beta: [d], ff1Kernel: [d, f], ff1Bias: [f], ff2Kernel: [f, d], ff2Bias: [d],
  };
  return SELF_ATTENTION_WEIGHTS.map((name) => [name, shapes[name]]);
}

export function selfAttentionShape(id: string, p: LayerParams<'selfAttention'>, input: Shape): KindShape {
  if (input.length !== 2) {
    return mismatch(id, `selfAttention '${id}' needs a rank-2 [steps, d] sequence input, got ${fmt(input)}`,
      input.length === 1 ? `Put an embedding (or oneHot then dense) before '${id}' so each token is a vector` : `Reshape the input to [steps, features] before '${id}'`);
  }
  const d = input[1]!;
  if (d % p.heads !== 0) {
    const lower = Math.max(p.heads, Math.floor(d / p.heads) * p.heads);
    return {
      params: 0,
      error: {
        code: 'bad-params', nodeId: id,
        message: `selfAttention '${id}': its ${d} features do not split evenly into ${p.heads} heads`,
        hint: `Use a number of heads that divides ${d} (e.g. 1), or give the layer before it ${lower} or ${lower + p.heads} units`,
      },
    };
  }
  return { shape: [input[0]!, d], params: selfAttentionParams(d, p.ffUnits) };
}
