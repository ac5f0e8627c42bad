/** The classifier's part of the new-run form: the data, a template or saved graph, the training loop. */
import { dataFields, numberField, templateField, trainingFields, type FamilyForm, type FormField } from '../runForm';
import { classifierTemplateSchema } from './config';

/**
 * hyper.parallelReplicas: each batch split over this many threads (issue 17).
 * The hint says when it pays: the threads must find idle cores, and each
 * thread's share of the batch must be large enough to outweigh the exchange.
 */
const parallelReplicasField: FormField = {
  ...numberField('parallelReplicas', 'Threads', 'numeric', {
    hint: '1 = one thread. More split each batch across threads (wasm/cpu backends only): faster only when cores are idle and batches are large (≥ 256)',
  }),
  group: 'training',
};

export const classifierForm: FamilyForm = {
  fields: [...dataFields, templateField(classifierTemplateSchema.options), ...trainingFields, parallelReplicasField],
};
