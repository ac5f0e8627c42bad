/** The autoencoder's part of the new-run form: the variant decides which of its own fields show. */
import { choiceField, dataFields, numberField, sharedFields, templateField, trainingFields, type FamilyForm } from '../runForm';
import { autoencoderHyperSchema, autoencoderTemplateSchema, autoencoderVariantSchema } from './config';

export const autoencoderForm: FamilyForm = {
  fields: [
    ...dataFields,
    templateField(autoencoderTemplateSchema.options),
    choiceField('variant', 'Variant', autoencoderVariantSchema.options),
    numberField('latentDim', 'Latent size', 'numeric', { hint: 'code dimensions' }),
    choiceField('loss', 'Reconstruction loss', autoencoderHyperSchema.shape.loss.unwrap().options),
    choiceField('noise', 'Noise', autoencoderHyperSchema.shape.noise.unwrap().options, { visible: (s) => s['variant'] === 'denoising' }),
    numberField('noiseLevel', 'Noise level', 'decimal', { hint: 'masked fraction, or σ', visible: (s) => s['variant'] === 'denoising' }),
    numberField('contractiveWeight', 'Contractive weight', 'decimal', { hint: 'weight of ‖∂h/∂x‖²', visible: (s) => s['variant'] === 'contractive' }),
    numberField('pretrainEpochs', 'Pre-train epochs', 'numeric', { hint: 'per layer, before fine-tuning', visible: (s) => s['variant'] === 'stacked' }),
    ...trainingFields,
    sharedFields.sampleEverySteps,
  ],
};
