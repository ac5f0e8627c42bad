/** The VAE's part of the new-run form: the decoder likelihood decides between binarising and a fixed variance. */
import { choiceField, dataFields, numberField, sharedFields, templateField, trainingFields, type FamilyForm } from '../runForm';
import { vaeHyperSchema, vaeTemplateSchema } from './config';

const gaussian = (s: Readonly<Record<string, string>>): boolean => s['decoder'] === 'gaussian';

export const vaeForm: FamilyForm = {
  fields: [
    ...dataFields,
    templateField(vaeTemplateSchema.options),
    numberField('latentDim', 'Latent size', 'numeric', { hint: 'code dimensions' }),
    choiceField('decoder', 'Decoder likelihood', vaeHyperSchema.shape.decoder.unwrap().options),
    numberField('decoderVariance', 'Decoder variance', 'decimal', { hint: 'fixed σ², pixels in [0, 1]', visible: gaussian }),
    choiceField('binarize', 'Binarize pixels', vaeHyperSchema.shape.binarize.unwrap().options, { visible: (s) => !gaussian(s) }),
    numberField('beta', 'KL weight (beta)', 'decimal', { hint: 'β; 1 = the ELBO' }),
    numberField('klWarmupEpochs', 'KL warm-up epochs', 'decimal', { hint: '0 = no warm-up' }),
    numberField('activeUnitThreshold', 'Active-unit threshold', 'decimal', { hint: 'Cov(E[z]) above it' }),
    numberField('iwaeSamples', 'IWAE samples (K)', 'numeric', { hint: 'per test image at epoch ends; 0 = off' }),
    numberField('iwaeImages', 'IWAE test images', 'numeric', { hint: 'the first N test images' }),
    ...trainingFields,
    sharedFields.sampleEverySteps,
  ],
};
