import { describe, expect, it } from 'vitest';
import { buildRunConfig, defaultRunForm, runFormFromConfig, validateRunForm } from '../../../renderer/lib/runConfigForm';
import { descriptorOf } from '../../../workers/common/families/registry';

describe('new-run form prefilled from a recorded run ("Run again with changes")', () => {
  it('carries every classifier setting over, leaves the name empty and rebuilds the same config', () => {
    const config = descriptorOf('classifier').configSchema.parse({
      family: 'classifier', name: 'lr sweep 1', dataset: { id: 'mnist', trainSize: 2000 },
      architecture: { template: 'lenet' }, hyper: { learningRate: 0.003, epochs: 5, optimizer: 'momentum', momentum: 0.8, seed: 7 },
    });
    const { form, notes } = runFormFromConfig(config);
    expect(notes).toEqual([]);
    expect(form).toMatchObject({ family: 'classifier', template: 'lenet', learningRate: '0.003', epochs: '5', optimizer: 'momentum', momentum: '0.8', seed: '7', trainSize: '2000', testSize: '', name: '' });
    const again = validateRunForm(form).config;
    expect(again).toEqual({ ...config, name: undefined });
  });

  it('differs from the defaults only where the run did (a changed learning rate is not reset)', () => {
    const config = descriptorOf('classifier').configSchema.parse({ family: 'classifier', hyper: { learningRate: 0.05 } });
    const { form } = runFormFromConfig(config);
    const defaults = defaultRunForm('classifier');
    const changed = Object.keys(form).filter((k) => form[k] !== defaults[k]);
    expect(changed).toEqual(['learningRate']);
  });

  it('keeps a GAN on its toy mixture and its loss (other ids than the config keys)', () => {
    const config = descriptorOf('gan').configSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', loss: 'wgan-gp', gpWeight: 5 } });
    const { form } = runFormFromConfig(config);
    expect(form).toMatchObject({ family: 'gan', ganData: 'ring8', ganLoss: 'wgan-gp', gpWeight: '5' });
    expect(buildRunConfig(form)).toMatchObject({ hyper: { toy: 'ring8', loss: 'wgan-gp', gpWeight: 5 } });
  });

  it('names the exact saved architecture version the run trained', () => {
    const config = { family: 'classifier', architecture: { architectureId: 4 }, hyper: {} };
    expect(runFormFromConfig(config, 3).form['template']).toBe('saved:4@3');
    expect(runFormFromConfig({ ...config, architecture: { architectureId: 4, version: 2 } }, 3).form['template']).toBe('saved:4@2');
  });

  it('says so when the run trained an inline architecture document, keeping the default template', () => {
    const { form, notes } = runFormFromConfig({ family: 'classifier', architecture: { graph: { nodes: [], edges: [] } }, hyper: {} });
    expect(form['template']).toBe(defaultRunForm('classifier')['template']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/inline/);
  });

  it('starts at the defaults, with a note, for a family this version does not know', () => {
    const { form, notes } = runFormFromConfig({ family: 'diffusion' });
    expect(form).toEqual(defaultRunForm());
    expect(notes[0]).toMatch(/"diffusion"/);
  });
});
