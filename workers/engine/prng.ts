/**
 * The seeded generator lives in workers/common/prng.ts (pure, so the common
 * data modules such as the sequence split can draw from it too); re-exported
 * here so the engine's and families' imports stay as they were.
 */
export * from '../common/prng';
