/** The classifier's part of the new-run form: the data, a template or saved graph, the training loop. */
import { dataFields, numberField, templateField, trainingFields, type FamilyForm, type FormField } from '../runForm';
import { classifierTemplateSchema } from './config';

/**
 * hyper.parallelReplicas: each batch split over this many threads (issue 17).
 * The hint says when it pays: the threads must find idle cores, and each
 * thread's share of the batch must be large enough to outweigh the exchange.
 * Labelled "Replicas" so it is not confused with Settings → wasm threads
 * (XNNPACK threads inside one backend), which must then stay at 1.
 */
const parallelReplicasField: FormField = {
  ...numberField('parallelReplicas', 'Replicas (data-parallel)', 'numeric', {
    hint: '1 = one thread. More split each batch across replica threads (wasm/cpu backends only, with Settings → wasm threads at 1): faster only when cores are idle and batches are large (≥ 256)',
  }),
  group: 'training',
};

export const classifierForm: FamilyForm = {
  fields: [...dataFields, templateField(classifierTemplateSchema.options), ...trainingFields, parallelReplicasField],
};
