import { describe, expect, it } from 'vitest';
import { families, runConfigSchema } from '../../../workers/common/families/registry';
import {
  CURRENT_RUN_CONFIG_VERSION, readStoredRunConfig, runConfigUpgrades, upgradeRunConfig, type RunConfigUpgrade,
} from '../../../workers/common/runConfigVersion';

const stored = runConfigSchema.parse({ family: 'classifier', name: 'old', hyper: { learningRate: 0.01 } });

/** A pretend history: version 1 called the step size `lr`, version 2 nested it under `step`, version 3 is today's. */
const fakeUpgrades: RunConfigUpgrade[] = [
  (c) => {
    const { lr, ...hyper } = c['hyper'] as Record<string, unknown>;
    return { ...c, hyper: { ...hyper, step: { size: lr } } };
  },
  (c) => {
    const { step, ...hyper } = c['hyper'] as Record<string, unknown>;
    return { ...c, hyper: { ...hyper, learningRate: (step as { size: number }).size } };
  },
];

describe('stored run config versions', () => {
  it('is at version 2 (the VAE defaults and the RBM validation split of issue 13), one more than the number of upgrades', () => {
    expect(CURRENT_RUN_CONFIG_VERSION).toBe(2);
    expect(CURRENT_RUN_CONFIG_VERSION).toBe(runConfigUpgrades.length + 1);
  });

  it('version 1 → 2: an RBM run stored before the validation split keeps training on every image; a new one holds out 10 %', () => {
    const old = { family: 'rbm', hyper: { numHidden: 64 } };
    const read = readStoredRunConfig(old, 1);
    expect(read.family === 'rbm' && read.hyper.validationSplit).toBe(0);
    expect(old).toEqual({ family: 'rbm', hyper: { numHidden: 64 } });
    const fresh = readStoredRunConfig({ family: 'rbm', hyper: { numHidden: 64 } }, CURRENT_RUN_CONFIG_VERSION);
    expect(fresh.family === 'rbm' && fresh.hyper.validationSplit).toBe(0.1);
    // Other families pass through unchanged.
    expect(readStoredRunConfig({ family: 'classifier', hyper: { epochs: 3 } }, 1)).toEqual(runConfigSchema.parse({ family: 'classifier', hyper: { epochs: 3 } }));
  });

  it('reads a current config back as the schema parses it', () => {
    expect(readStoredRunConfig(JSON.parse(JSON.stringify(stored)), CURRENT_RUN_CONFIG_VERSION)).toEqual(stored);
  });

  it('fills defaults the stored config lacks (a config written before a field existed)', () => {
    const config = readStoredRunConfig({ family: 'classifier', hyper: { epochs: 3 } }, 1);
    expect(config).toEqual(runConfigSchema.parse({ family: 'classifier', hyper: { epochs: 3 } }));
  });

  it('applies each upgrade in order from the stored version, without touching the stored object', () => {
    const { learningRate, ...rest } = stored.hyper as { learningRate: number };
    const v1 = { ...stored, hyper: { ...rest, lr: learningRate } };
    const before = structuredClone(v1);
    expect(readStoredRunConfig(v1, 1, fakeUpgrades)).toEqual(stored);
    expect(v1).toEqual(before);
    const v2 = upgradeRunConfig(v1, 1, fakeUpgrades.slice(0, 1));
    expect((v2['hyper'] as Record<string, unknown>)['step']).toEqual({ size: 0.01 });
    expect(readStoredRunConfig(v2, 2, fakeUpgrades)).toEqual(stored);
    expect(readStoredRunConfig(stored, 3, fakeUpgrades)).toEqual(stored);
  });

  it('refuses versions it does not know, with the reason', () => {
    expect(() => readStoredRunConfig(stored, 4, fakeUpgrades)).toThrow(/version 4, newer than the latest this app knows \(3\)/);
    expect(() => readStoredRunConfig(stored, 0)).toThrow(/version 0, which is not a config version/);
    expect(() => readStoredRunConfig(stored, 1.5)).toThrow(/not a config version/);
  });

  it('says what no longer fits instead of casting', () => {
    expect(() => readStoredRunConfig([1, 2], 1)).toThrow('Stored run config is not a JSON object');
    // The known families are the registry's, so a new family needs no edit here.
    expect(() => readStoredRunConfig({ family: 'quantum' }, 1)).toThrow(`names the family "quantum", which this app does not know (it knows ${families.join(', ')})`);
    expect(() => readStoredRunConfig({ hyper: {} }, 1)).toThrow(/names the family undefined/);
    expect(() => readStoredRunConfig({ ...stored, hyper: { ...stored.hyper, learningRate: -1 } }, 1))
      .toThrow("Stored classifier run config, version 1, does not fit this app's run config schema: hyper.learningRate: learningRate must be greater than 0");
    expect(() => readStoredRunConfig({ ...stored, extra: true }, 1)).toThrow(/does not fit .*extra/);
  });

  it('reports an upgrade that does not give an object', () => {
    expect(() => readStoredRunConfig(stored, 1, [() => null as unknown as Record<string, unknown>])).toThrow(/from version 1 to 2 did not give an object/);
  });
});
