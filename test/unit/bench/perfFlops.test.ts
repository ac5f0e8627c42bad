import { describe, expect, it } from 'vitest';
import { backwardFlops, charLstmFlopLayers, forwardFlops, forwardMacs, ganStepFlops, trainingStepFlops, type FlopLayer } from '../../../bench/harness/perfFlops';

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

  it('counts a tiny char-LSTM by hand: LSTM and output dense three times (forward, input and weight gradients), the embedding 0', () => {
    // Vocabulary 3, embedding 2, 2 units, 2 time steps, batch 1.
    // LSTM forward per step: 4 gates × (2 + 2) inputs × 2 units = 32 MACs; 2 steps: 64.
    // Output dense per position 2 × 3 = 6 MACs; 2 positions: 12. Forward 76 MACs = 152 FLOPs.
    // Backward: the LSTM's input gradient (to x and h) and weight gradient 64 each, the dense's 12 each: 152 MACs = 304 FLOPs.
    const layers = charLstmFlopLayers({ vocabulary: 3, embedding: 2, units: 2, length: 2 });
    expect(forwardFlops(layers, 1)).toBe(152);
    expect(trainingStepFlops(layers, 1)).toBe(456);
    // Batch 5 scales it linearly.
    expect(trainingStepFlops(layers, 5)).toBe(2280);
  });

  it('gives the perf bench\'s char-LSTM (vocabulary 64, embedding 64, 256 units, length 64, batch 64) 8.456 GFLOP per step', () => {
    // LSTM 64 · 4 · 320 · 256 = 20,971,520 MACs, dense 64 · 256 · 64 = 1,048,576: 22,020,096 per example; × 3 × 2 × 64.
    expect(trainingStepFlops(charLstmFlopLayers({ vocabulary: 64, embedding: 64, units: 256, length: 64 }), 64)).toBe(8_455_716_864);
  });
});
