/** The autoencoder family (plain, denoising, contractive, stacked), described once. */
import { fmt } from '../../partContracts';
import type { LatentScatterMeta } from '../../gallery';
import { dataArtifact, defineFamily, imageArtifact } from '../descriptor';
import { encoderDecoderNetwork } from '../encoderDecoder';
import { autoencoderConfigSchema, autoencoderTemplateSchema, type AutoencoderConfig, type AutoencoderTemplate } from './config';
import { autoencoderTemplate } from './templates';
import { autoencoderCharts } from './charts';
import { autoencoderForm } from './form';


export const autoencoderFamily = defineFamily({
  id: 'autoencoder',
  label: 'autoencoder',
  title: 'Autoencoder',
  configSchema: autoencoderConfigSchema,
  network: encoderDecoderNetwork<AutoencoderConfig>({
    templates: autoencoderTemplateSchema.options,
    defaultLatentDim: 20,
    encoderOutputDim: (latentDim) => latentDim,
    latentDimOf: (config) => config.hyper.latentDim,
    template: (name, c) => autoencoderTemplate(name as AutoencoderTemplate, [...c.inputShape], c.latentDim),
    encoderLine: (c) => `maps one example ${fmt(c.inputShape)} to the code [${c.latentDim}]`,
    decoderLine: (c) => `maps the code [${c.latentDim}] back to an example ${fmt(c.inputShape)}`,
  }),
  form: autoencoderForm,
  charts: autoencoderCharts,
  validation: { key: 'val_loss', mode: 'min', selects: ['test_mse', 'test_bce', 'test_mse_clean_input'] },
  headline: [
    { key: 'test_mse', mode: 'min', label: 'test MSE', format: 'number' },
    { key: 'val_loss', mode: 'min', label: 'val loss', format: 'number' },
  ],
  metrics: [
    { key: 'loss', x: 'step', mode: 'min', description: 'reconstruction loss of the batch (per image, summed over pixels)' },
    { key: 'contractive_penalty', x: 'step', mode: 'min', description: 'contractive: the squared Frobenius norm of the code’s Jacobian' },
    { key: 'epoch_loss', x: 'epoch', mode: 'min', description: 'mean training loss over the epoch' },
    { key: 'val_loss', x: 'epoch', mode: 'min', description: 'loss on the validation split' },
    { key: 'test_mse', x: 'epoch', mode: 'min', description: 'squared error per test image, summed over pixels' },
    { key: 'test_bce', x: 'epoch', mode: 'min', description: 'binary cross-entropy per test image' },
    { key: 'test_noisy_input_mse', x: 'epoch', description: 'denoising: how far the noisy input is from the clean one' },
    { key: 'test_mse_clean_input', x: 'epoch', mode: 'min', description: 'denoising: the error when the clean image goes in' },
    { key: 'pretrain_loss/layer<i>', x: 'epoch', mode: 'min', description: 'stacked: each layer’s greedy pre-training loss' },
  ],
  artifacts: [
    imageArtifact('reconstructions', 'Reconstructions'),
    imageArtifact('interpolation', 'Interpolation'),
    imageArtifact('arithmetic', 'Latent arithmetic'),
    dataArtifact<LatentScatterMeta>()('latent-scatter', 'Latent scatter'),
  ],
  analyses: ['interpolation', 'arithmetic', 'latent-scatter', 'nearest-neighbours'],
});
