/** The PCA baseline's part of the new-run form: the data, the number of components and the seed (no network, no training loop). */
import { dataFields, numberField, sharedFields, type FamilyForm } from '../runForm';

export const pcaForm: FamilyForm = {
  fields: [
    ...dataFields,
    numberField('components', 'Components', 'numeric', { hint: 'principal components kept' }),
    sharedFields.seed,
  ],
};
