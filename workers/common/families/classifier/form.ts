/** The classifier's part of the new-run form: the data, a template or saved graph, the training loop. */
import { dataFields, templateField, trainingFields, type FamilyForm } from '../runForm';
import { classifierTemplateSchema } from './config';

export const classifierForm: FamilyForm = {
  fields: [...dataFields, templateField(classifierTemplateSchema.options), ...trainingFields],
};
