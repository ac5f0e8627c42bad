import { describe, expect, it } from 'vitest';
import { configRowGroups, type ConfigRowGroup } from '../../../renderer/lib/runConfigRows';
import { descriptorOf } from '../../../workers/common/families/registry';

const paths = (groups: ConfigRowGroup[]): string[] => groups.flatMap((g) => g.rows.map((r) => r.path));
const row = (groups: ConfigRowGroup[], path: string) => groups.flatMap((g) => g.rows).find((r) => r.path === path);

describe('run page configuration panel', () => {
  it('shows each classifier setting once, labelled as the form labels it, and no momentum with Adam', () => {
    const config = descriptorOf('classifier').configSchema.parse({ family: 'classifier', name: 'base', dataset: { trainSize: 2000 }, hyper: { optimizer: 'adam', momentum: 0.5 } });
    const groups = configRowGroups(config);
    const p = paths(groups);
    expect(new Set(p).size).toBe(p.length);
    expect(p).not.toContain('hyper.momentum');
    expect(row(groups, 'hyper.learningRate')).toEqual({ path: 'hyper.learningRate', label: 'Learning rate', value: '0.001' });
    expect(row(groups, 'dataset.trainSize')?.value).toBe('2000');
    expect(row(groups, 'dataset.testSize')?.value).toBe('all');
    expect(row(groups, 'architecture')?.value).toBe('mlp');
    expect(row(groups, 'name')?.value).toBe('base');
    expect(groups.map((g) => g.id)).toEqual(['model', 'data', 'training', 'run']);
  });

  it('shows momentum when the optimizer uses it', () => {
    const config = descriptorOf('classifier').configSchema.parse({ family: 'classifier', hyper: { optimizer: 'momentum', momentum: 0.8 } });
    expect(row(configRowGroups(config), 'hyper.momentum')?.value).toBe('0.8');
  });

  it('hides the gradient penalty of a GAN whose loss is not WGAN-GP, and shows it for WGAN-GP', () => {
    const gan = descriptorOf('gan').configSchema;
    const plain = configRowGroups(gan.parse({ family: 'gan', hyper: { loss: 'nonsaturating' } }));
    expect(paths(plain)).not.toContain('hyper.gpWeight');
    expect(paths(plain)).not.toContain('hyper.clipValue');
    const gp = configRowGroups(gan.parse({ family: 'gan', hyper: { loss: 'wgan-gp', gpWeight: 5 } }));
    expect(row(gp, 'hyper.gpWeight')).toMatchObject({ label: 'Gradient penalty weight', value: '5' });
  });

  it('names a saved architecture by id and version, and keeps keys the form has no field for under Other', () => {
    const groups = configRowGroups({ family: 'classifier', architecture: { architectureId: 3 }, hyper: { learningRate: 0.01, futureKnob: 2 } }, 4);
    expect(row(groups, 'architecture')?.value).toBe('saved architecture #3, version 4');
    expect(groups.at(-1)).toEqual({ id: 'other', legend: 'Other', rows: [{ path: 'hyper.futureKnob', label: 'hyper.futureKnob', value: '2' }] });
  });
});
