/**
 * The seeded PRNG moved to workers/common/prng.ts so pure code (the synthetic
 * sequence tasks) can use it; re-exported here so the engine's imports stay.
 */
export { deriveSeed, mulberry32, permutation, shuffleInPlace, type Prng } from '../common/prng';
