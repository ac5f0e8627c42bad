/**
 * FLOPs of one training step, counted from the layers that do the work:
 * dense layers, convolutions, transposed convolutions and LSTM layers (a
 * multiply-add is 2 FLOPs); an embedding lookup counts as 0 (a gather, and
 * its gradient a scatter-add). Activations, bias adds, batch norm, losses and the optimiser are
 * left out: they are a few per cent of these models' arithmetic and none of
 * them is what a machine's GFLOP/s peak measures. Pure, so the formulas can
 * be checked by hand.
 *
 * A training pass of a layer costs its forward multiply-adds once, its
 * weight gradient once more and its input gradient once more (≈ 3× forward);
 * the first layer of a network needs no input gradient, unless something
 * upstream of it trains (a GAN's generator behind its discriminator).
 */

/** One layer's shape, per example; sizes are whole numbers. */
export type FlopLayer =
  /** A dense layer, applied at `positions` positions of each example (a sequence's time steps; 1 when absent). */
  | { kind: 'dense'; inputs: number; units: number; positions?: number }
  /** An embedding lookup: no multiply-adds, but a first layer whose presence makes the next layer's input gradient count. */
  | { kind: 'embedding' }
  /**
   * An LSTM over `steps` time steps: per step its four gates are one product
   * [x, h] · W with W of (inputs + units) × 4·units; its backward's input
   * gradient (to x and to h, dgates · Wᵀ) and weight gradient ([x, h]ᵀ · dgates)
   * are one such product each. The gates' element-wise work is left out.
   */
  | { kind: 'lstm'; inputs: number; units: number; steps: number }
  /** A convolution, described by its output: each output value sums kernelH·kernelW·inChannels products. */
  | { kind: 'conv2d'; outH: number; outW: number; kernelH: number; kernelW: number; inChannels: number; filters: number }
  /** A transposed convolution, described by its input: each input value scatters into kernelH·kernelW·filters outputs. */
  | { kind: 'conv2dTranspose'; inH: number; inW: number; kernelH: number; kernelW: number; inChannels: number; filters: number };

/** Multiply-adds of one layer's forward pass, for one example. */
export function forwardMacs(l: FlopLayer): number {
  switch (l.kind) {
    case 'dense': return (l.positions ?? 1) * l.inputs * l.units;
    case 'embedding': return 0;
    case 'lstm': return l.steps * 4 * (l.inputs + l.units) * l.units;
    case 'conv2d': return l.outH * l.outW * l.kernelH * l.kernelW * l.inChannels * l.filters;
    case 'conv2dTranspose': return l.inH * l.inW * l.kernelH * l.kernelW * l.inChannels * l.filters;
  }
}

/** FLOPs of a network's forward pass on `batch` examples. */
export function forwardFlops(layers: readonly FlopLayer[], batch: number): number {
  return layers.reduce((s, l) => s + 2 * batch * forwardMacs(l), 0);
}

export interface BackwardOptions {
  /** Compute the weight gradients (false: a frozen network a gradient only passes through). */
  weightGradients: boolean;
  /** Compute the first layer's input gradient (true when something upstream trains). */
  firstInputGradient: boolean;
}

/** FLOPs of a network's backward pass on `batch` examples: one forward's worth per gradient computed. */
export function backwardFlops(layers: readonly FlopLayer[], batch: number, o: BackwardOptions): number {
  return layers.reduce((s, l, i) => {
    const f = 2 * batch * forwardMacs(l);
    return s + (o.weightGradients ? f : 0) + (i > 0 || o.firstInputGradient ? f : 0);
  }, 0);
}

/** One supervised (or autoencoding) step: forward, then every weight gradient and every input gradient but the first layer's. */
export function trainingStepFlops(layers: readonly FlopLayer[], batch: number): number {
  return forwardFlops(layers, batch) + backwardFlops(layers, batch, { weightGradients: true, firstInputGradient: false });
}

/** The layers of a char-LSTM language model: embedding, one LSTM, a dense softmax at every position. */
export function charLstmFlopLayers(c: { vocabulary: number; embedding: number; units: number; length: number }): FlopLayer[] {
  return [
    { kind: 'embedding' },
    { kind: 'lstm', inputs: c.embedding, units: c.units, steps: c.length },
    { kind: 'dense', inputs: c.units, units: c.vocabulary, positions: c.length },
  ];
}

/**
 * One GAN step, discriminator then generator, counting what each needs:
 * D step = G forward (no gradient) + D's training pass on the real and the
 * fake batch; G step = G's training pass + D forward + D's input gradients
 * down to the image (D's weight gradients are not needed there).
 */
export function ganStepFlops(generator: readonly FlopLayer[], discriminator: readonly FlopLayer[], batch: number): number {
  const dStep = forwardFlops(generator, batch) + 2 * trainingStepFlops(discriminator, batch);
  const gStep = trainingStepFlops(generator, batch) + forwardFlops(discriminator, batch)
    + backwardFlops(discriminator, batch, { weightGradients: false, firstInputGradient: true });
  return dStep + gStep;
}
