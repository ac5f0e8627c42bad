/**
 * The sequence family's data artifacts: what the worker writes as JSON at
 * each logged step and the run page draws. Each document has a `meta` the
 * artifact row carries (so lists and sliders need no file) and a body read
 * on demand. Text in them is data: the renderer shows it as text, never as
 * HTML. Pure.
 */

/** 'text-samples': generated text at a step (language models). */
export interface TextSamplesMeta {
  epoch: number;
  temperature: number;
  /** 0: the whole vocabulary. */
  topK: number;
  /** The sampler's seed (the same seed and weights give the same text). */
  seed: number;
  /** The text every sample starts from (the prompt). */
  seedText: string;
}
export interface TextSample {
  /** The prompt, as given. */
  prompt: string;
  /** What the model wrote after it. */
  text: string;
  /** Mean −log₂ p of the chosen tokens: the bits of surprise per generated token (lower: the model was surer). */
  meanBits: number;
}
export interface TextSamplesDocument {
  step: number;
  epoch: number;
  temperature: number;
  topK: number;
  seed: number;
  samples: TextSample[];
  /** Greedy decoding (temperature → 0) of the first prompt, for comparison. */
  greedy: string;
}

/** 'gradient-through-time': ‖∂L/∂h_t‖ for each time step t of each recurrent layer, at a step. */
export interface GradientThroughTimeMeta {
  epoch: number;
  /** The recurrent layers measured (node ids). */
  layers: string[];
  /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of the first layer: below ~1e-3 the first steps get almost no gradient. */
  firstToLastRatio: number;
}
export interface GradientThroughTimeDocument {
  step: number;
  epoch: number;
  /** What L is: the loss of the last position (language model), the classification loss, or the sequence loss (seq2seq). */
  loss: string;
  /** Sequence length T. */
  length: number;
  /** Per layer: norms[t] = ‖∂L/∂h_{t+1}‖ over the batch, t = 0 … T−1 (time order; the chart reads it from T back to 1). */
  layers: { id: string; label: string; norms: number[] }[];
  /** Global gradient norm of all weights before clipping, at this step. */
  globalNorm: number;
}

/** 'attention': attention weights at a step, for chosen validation examples. */
export interface AttentionMeta {
  epoch: number;
  /** Node ids of the attention layers recorded. */
  layers: string[];
  examples: number;
}
export interface AttentionMap {
  /** The attention layer (an 'attention' node or a 'selfAttention' block). */
  layer: string;
  kind: 'attention' | 'selfAttention';
  /** The tokens along the rows (queries: the decoder's steps or the sequence) and the columns (keys: the source steps). */
  queries: string[];
  keys: string[];
  /** weights[head][query][key]; one head for an 'attention' layer. Each row sums to 1. */
  weights: number[][][];
}
export interface AttentionExample {
  /** The validation example's index. */
  index: number;
  /** Seq2seq: the source, the target and what the model decoded, as text. */
  source: string;
  target?: string;
  predicted?: string;
  maps: AttentionMap[];
}
export interface AttentionDocument {
  step: number;
  epoch: number;
  examples: AttentionExample[];
}
