/** The PixelCNN's part of the new-run form: its size and binarisation, then the shared training fields. */
import { choiceField, dataFields, numberField, trainingFields, type FamilyForm } from '../runForm';
import { pixelCnnHyperSchema } from './config';

export const pixelCnnForm: FamilyForm = {
  fields: [
    ...dataFields,
    numberField('filters', 'Filters', 'numeric', { hint: 'residual stream channels (2h); blocks use half' }),
    numberField('residualBlocks', 'Residual blocks', 'numeric', { hint: 'mask-B blocks after the 7×7 mask-A layer' }),
    choiceField('binarize', 'Binarize pixels', pixelCnnHyperSchema.shape.binarize.unwrap().options),
    ...trainingFields,
  ],
};
