/**
 * Bits per dimension, the unit image likelihoods are quoted in across data
 * sets: a negative log-likelihood in nats per image, divided by the image's
 * dimensions and by ln 2 (784 pixels of MNIST: 81.3 nats ≈ 0.1496 bits/dim).
 */
export function bitsPerDim(natsPerImage: number, dims: number): number {
  if (!(dims > 0)) throw new Error(`bits per dimension need a positive number of dimensions, got ${dims}`);
  return natsPerImage / (dims * Math.LN2);
}
