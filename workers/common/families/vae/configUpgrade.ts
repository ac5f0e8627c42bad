/**
 * The VAE's part of the run config upgrade from version 1 to 2 (listed in
 * workers/common/runConfigVersion.ts). Version 2 changed two defaults in a
 * way that would change what an old run did, so a version-1 VAE config gets
 * the values its run had, written out:
 *
 * - `binarize` defaulted to 'threshold'; it now defaults to 'stochastic';
 * - the Gaussian decoder used a continuous density; it is now discretised on
 *   the 8-bit grid, so an old Gaussian run is labelled 'continuous'.
 *
 * Other families' configs pass through unchanged. Pure; never edited once
 * released.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function upgradeVaeConfigV1(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (config['family'] !== 'vae') return { ...config };
  const hyper = isRecord(config['hyper']) ? config['hyper'] : {};
  const recorded: Record<string, unknown> = { binarize: 'threshold' };
  if (hyper['decoder'] === 'gaussian') recorded['gaussianLikelihood'] = 'continuous';
  return { ...config, hyper: { ...recorded, ...hyper } };
}
