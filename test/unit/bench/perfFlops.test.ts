import { describe, expect, it } from 'vitest';
import { backwardFlops, forwardFlops, forwardMacs, ganStepFlops, trainingStepFlops, type FlopLayer } from '../../../bench/harness/perfFlops';

describe('perf FLOP counter', () => {
  it('counts a dense layer and a small conv by hand', () => {
    // Dense 3 → 2: 6 multiply-adds per example; batch 4: 48 FLOPs forward.
    const dense: FlopLayer = { kind: 'dense', inputs: 3, units: 2 };
    expect(forwardMacs(dense)).toBe(6);
    expect(forwardFlops([dense], 4)).toBe(48);
    // Alone it is the first layer: weight gradient only, no input gradient.
    expect(trainingStepFlops([dense], 4)).toBe(96);
    expect(backwardFlops([dense], 4, { weightGradients: false, firstInputGradient: true })).toBe(48);
    // Conv 2×2, 2 → 4 channels, output 3×3: 9 outputs × 4 filters × (2·2·2) = 288.
    expect(forwardMacs({ kind: 'conv2d', outH: 3, outW: 3, kernelH: 2, kernelW: 2, inChannels: 2, filters: 4 })).toBe(288);
    // Transposed 4×4 s2 from 7×7×128 to 64 channels: 49 · 16 · 128 · 64.
    expect(forwardMacs({ kind: 'conv2dTranspose', inH: 7, inW: 7, kernelH: 4, kernelW: 4, inChannels: 128, filters: 64 })).toBe(6_422_528);
  });

  it('gives LeNet-5 at batch 64 the hand-computed 144.9 MFLOP per step', () => {
    const lenet: FlopLayer[] = [
      { kind: 'conv2d', outH: 28, outW: 28, kernelH: 5, kernelW: 5, inChannels: 1, filters: 6 }, // 117,600 MACs
      { kind: 'conv2d', outH: 10, outW: 10, kernelH: 5, kernelW: 5, inChannels: 6, filters: 16 }, // 240,000
      { kind: 'dense', inputs: 400, units: 120 }, // 48,000
      { kind: 'dense', inputs: 120, units: 84 }, // 10,080
      { kind: 'dense', inputs: 84, units: 10 }, // 840
    ];
    // 416,520 MACs per example; ×3 minus conv1's input gradient (117,600): 1,131,960 MACs; × 2 × 64.
    expect(trainingStepFlops(lenet, 64)).toBe(144_890_880);
  });

  it('counts a GAN step as D step (G forward + D trained on two batches) then G step (G trained + D forward and input gradients)', () => {
    const g: FlopLayer[] = [{ kind: 'dense', inputs: 2, units: 3 }]; // 6 MACs
    const d: FlopLayer[] = [{ kind: 'dense', inputs: 3, units: 1 }]; // 3 MACs
    // Batch 1, FLOPs = 2 × MACs: D step 2·6 + 2·(2·3·2) = 36; G step 2·6·2 + 2·3 + 2·3 = 36.
    expect(ganStepFlops(g, d, 1)).toBe(72);
  });
});
