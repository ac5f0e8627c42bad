/**
 * Stored run configs carry the version of the config format they were
 * written in (runs.config_version). Reading one back upgrades it step by
 * step to the current version and then parses it with the run config schema,
 * so a config the schema no longer accepts is reported, never cast.
 *
 * To change the format: append an upgrade (version N → N+1) to
 * `runConfigUpgrades`; CURRENT_RUN_CONFIG_VERSION follows. An upgrade is a
 * pure function of the old config: it never mutates its argument, and it is
 * never edited once released (like a migration). Parsing fills in today's
 * defaults, so a new field whose default would change what an old run did
 * needs an upgrade that writes the value the old runs had.
 *
 * Pure: imports nothing from node, electron, the DOM, tfjs or the engine.
 */
import { families, isFamily, runConfigSchema, type RunConfig } from './families/registry';
import { formatIssue, toIssues } from './runConfigBase';
import { upgradeVaeConfigV1 } from './families/vae/configUpgrade';

/** A stored config as JSON gives it back: an object of unknown fields. */
export type StoredConfig = Readonly<Record<string, unknown>>;

/** Takes a config of version N to version N+1 (N is its index in the list plus 1). */
export type RunConfigUpgrade = (config: StoredConfig) => Record<string, unknown>;

/**
 * An RBM run written before RBMs held out a validation split trained on
 * every training image; it keeps doing so (validationSplit 0).
 */
function rbmWithoutValidation(config: StoredConfig): Record<string, unknown> {
  if (config['family'] !== 'rbm') return { ...config };
  const hyper = isRecord(config['hyper']) ? config['hyper'] : {};
  return { ...config, hyper: { ...hyper, validationSplit: hyper['validationSplit'] ?? 0 } };
}

/**
 * A GAN's config always carried validationSplit (0.1 by default) but before
 * version 2 its generator trained on every image: it keeps doing so.
 */
function ganWithoutValidation(config: StoredConfig): Record<string, unknown> {
  if (config['family'] !== 'gan') return { ...config };
  const hyper = isRecord(config['hyper']) ? config['hyper'] : {};
  return { ...config, hyper: { ...hyper, validationSplit: 0 } };
}

/**
 * The upgrades in order: runConfigUpgrades[i] takes version i+1 to i+2.
 * 1 → 2 (issue 13): a VAE's binarize default became 'stochastic' and its
 * Gaussian decoder discretised, and RBMs and image GANs hold out a
 * validation split; old configs get the values they ran with.
 */
export const runConfigUpgrades: readonly RunConfigUpgrade[] = [(config) => ganWithoutValidation(rbmWithoutValidation(upgradeVaeConfigV1(config)))];

/** The version written with every new run: one more than the number of upgrades. */
export const CURRENT_RUN_CONFIG_VERSION = 1 + runConfigUpgrades.length;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stored config of `version` brought to the last version of `upgrades`
 * (not yet checked against the schema). Throws when the version is not one
 * this list knows (written by a newer app) or an upgrade fails.
 */
export function upgradeRunConfig(raw: unknown, version: number, upgrades: readonly RunConfigUpgrade[] = runConfigUpgrades): Record<string, unknown> {
  const current = 1 + upgrades.length;
  if (!Number.isInteger(version) || version < 1) throw new Error(`Stored run config has version ${String(version)}, which is not a config version (they count from 1)`);
  if (version > current) throw new Error(`Stored run config has version ${version}, newer than the latest this app knows (${current}): it was written by a newer Latent Workbench`);
  if (!isRecord(raw)) throw new Error('Stored run config is not a JSON object');
  let config: Record<string, unknown> = raw;
  for (let v = version; v < current; v++) {
    const next = upgrades[v - 1]!(config);
    if (!isRecord(next)) throw new Error(`Upgrading the stored run config from version ${v} to ${v + 1} did not give an object`);
    config = next;
  }
  return config;
}

/**
 * A stored run config, upgraded from `version` and parsed with the run
 * config schema (defaults filled in). Throws an Error whose message says
 * what does not fit: "hyper.loss: …; architecture.template: …".
 */
export function readStoredRunConfig(raw: unknown, version: number, upgrades: readonly RunConfigUpgrade[] = runConfigUpgrades): RunConfig {
  const upgraded = upgradeRunConfig(raw, version, upgrades);
  const family = upgraded['family'];
  if (!isFamily(family)) {
    throw new Error(`Stored run config names the family ${JSON.stringify(family) ?? 'undefined'}, which this app does not know (it knows ${families.join(', ')})`);
  }
  const parsed = runConfigSchema.safeParse(upgraded);
  if (!parsed.success) {
    throw new Error(`Stored ${family} run config, version ${version}, does not fit this app's run config schema: ${toIssues(parsed.error).map(formatIssue).join('; ')}`);
  }
  return parsed.data;
}
