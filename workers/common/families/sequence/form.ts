/**
 * The sequence family's part of the new-run form: what it trains on (a
 * corpus or a synthetic task and its sizes), the template's knobs (cell,
 * units, layers, …, each shown where it applies), the training loop with
 * gradient clipping, and sampling and decoding.
 */

import { booleanField, choiceField, numberField, sharedFields, templateField, type FormField, type FormState, type FamilyForm } from '../runForm';
import { defaultTemplateFor, sequenceTemplateSchema, templateObjectives, type SequenceObjective } from './config';

const TASKS = ['parity', 'addition', 'copy', 'reverse', 'sort', 'date'] as const;
const TASK_KIND: Record<(typeof TASKS)[number], SequenceObjective> = { parity: 'classification', addition: 'seq2seq', copy: 'seq2seq', reverse: 'seq2seq', sort: 'seq2seq', date: 'seq2seq' };

const isText = (s: FormState): boolean => (s['source'] ?? 'text') === 'text';
const task = (s: FormState): (typeof TASKS)[number] => (TASKS as readonly string[]).includes(s['task'] ?? '') ? s['task'] as (typeof TASKS)[number] : 'parity';
/** The objective the form's data gives. */
export function formObjective(s: FormState): SequenceObjective {
  return isText(s) ? 'lm' : TASK_KIND[task(s)];
}
const template = (s: FormState): string => s['template'] ?? 'rnn-lm';
const isRecurrentTemplate = (s: FormState): boolean => template(s) !== 'transformer-lm' && sequenceTemplateSchema.safeParse(template(s)).success;
const isTemplate = (s: FormState): boolean => sequenceTemplateSchema.safeParse(template(s)).success;
const recurrentCell = (s: FormState): boolean => isRecurrentTemplate(s);
const gated = (s: FormState): boolean => recurrentCell(s) && (s['cell'] ?? 'lstm') !== 'simpleRnn';

const data = (id: string, label: string, path: readonly string[], more: Partial<FormField>): FormField => ({
  id, path: ['data', ...path], label, group: 'data', control: 'text', value: 'number', inputmode: 'numeric', ...more,
});
const onText = (s: FormState): boolean => isText(s);
const onTask = (s: FormState): boolean => !isText(s);
const onTasks = (...names: (typeof TASKS)[number][]) => (s: FormState): boolean => !isText(s) && names.includes(task(s));
const model = (f: FormField, visible: (s: FormState) => boolean): FormField => ({ ...f, visible });
const sampling = (f: FormField, visible: (s: FormState) => boolean = (s) => formObjective(s) === 'lm'): FormField => ({ ...f, group: 'evaluation', visible });

export const sequenceForm: FamilyForm = {
  fields: [
    { id: 'source', path: ['data', 'source'], label: 'Train on', group: 'data', control: 'select', value: 'choice', options: ['text', 'task'], optionLabels: { text: 'a text corpus (language model)', task: 'a synthetic task' } },
    { id: 'corpus', path: ['data', 'corpus'], label: 'Corpus', group: 'data', control: 'text', value: 'text', hint: 'a corpus id (corpora list); kjv-genesis ships with the app', visible: onText },
    { id: 'level', path: ['data', 'level'], label: 'Tokens', group: 'data', control: 'select', value: 'choice', options: ['char', 'word'], optionLabels: { char: 'characters', word: 'words' }, visible: onText },
    data('vocabularyCap', 'Vocabulary cap', ['vocabularyCap'], { hint: 'most frequent words kept', visible: (s) => onText(s) && s['level'] === 'word' }),
    data('sequenceLength', 'Sequence length', ['sequenceLength'], { hint: 'tokens per training window', visible: onText }),
    data('validationFraction', 'Validation fraction', ['validationFraction'], { inputmode: 'decimal', visible: onText }),
    data('maxCharacters', 'Use the first', ['maxCharacters'], { value: 'optional-number', hint: 'characters; empty = all', visible: onText }),
    { id: 'task', path: ['data', 'task', 'task'], label: 'Task', group: 'data', control: 'select', value: 'choice', options: TASKS, visible: onTask },
    data('taskLength', 'Length', ['task', 'length'], { visible: onTasks('parity', 'copy', 'reverse', 'sort') }),
    data('minLength', 'Shortest training string', ['task', 'minLength'], { value: 'optional-number', hint: 'empty = all at full length', visible: onTasks('parity') }),
    data('symbols', 'Symbols', ['task', 'symbols'], { value: 'optional-number', hint: 'letters a… used', visible: onTasks('copy', 'reverse', 'sort') }),
    data('maxDigits', 'Digits', ['task', 'maxDigits'], { value: 'optional-number', visible: onTasks('addition') }),
    data('distractors', 'Distractors', ['task', 'distractors'], { value: 'optional-number', hint: 'letters mixed in', visible: onTasks('addition') }),
    data('trainExamples', 'Train examples', ['trainExamples'], { value: 'optional-number', visible: onTask }),
    data('validationExamples', 'Validation examples', ['validationExamples'], { value: 'optional-number', visible: onTask }),
    data('testExamples', 'Test examples', ['testExamples'], { value: 'optional-number', visible: onTask }),
    templateField((s) => sequenceTemplateSchema.options.filter((t) => templateObjectives[t].includes(formObjective(s)))),
    model(choiceField('cell', 'Cell', ['simpleRnn', 'lstm', 'gru'], { optionLabels: { simpleRnn: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' } }), recurrentCell),
    model(numberField('units', 'Units', 'numeric'), recurrentCell),
    model(numberField('layers', 'Layers', 'numeric', { hint: 'stacked recurrent layers' }), recurrentCell),
    model(choiceField('inputEncoding', 'Input', ['embedding', 'oneHot'], { optionLabels: { embedding: 'embedding', oneHot: 'one-hot' } }), recurrentCell),
    model(numberField('embeddingDim', 'Embedding size', 'numeric'), (s) => isTemplate(s) && (template(s) === 'transformer-lm' || (s['inputEncoding'] ?? 'embedding') === 'embedding')),
    model(numberField('dropout', 'Dropout', 'decimal', { hint: 'between layers' }), isTemplate),
    model(booleanField('bidirectional', 'Bidirectional', 'a second copy reads backwards'), (s) => recurrentCell(s) && formObjective(s) === 'classification'),
    model(booleanField('unitForgetBias', 'Forget-gate bias 1', 'LSTM forget bias starts at 1 (else 0)'), (s) => recurrentCell(s) && (s['cell'] ?? 'lstm') === 'lstm'),
    model(choiceField('recurrentActivation', 'Gate activation', ['sigmoid', 'hardSigmoid']), gated),
    model(choiceField('attention', 'Attention', ['dot', 'general', 'additive'], { optionLabels: { dot: 'Luong dot', general: 'Luong general', additive: 'Bahdanau additive' } }), (s) => template(s) === 'seq2seq-attention'),
    model(numberField('blocks', 'Blocks', 'numeric'), (s) => template(s) === 'transformer-lm'),
    model(numberField('heads', 'Heads', 'numeric'), (s) => template(s) === 'transformer-lm'),
    sharedFields.epochs,
    sharedFields.batchSize,
    sharedFields.optimizer,
    sharedFields.learningRate,
    sharedFields.momentum,
    { ...choiceField('clip', 'Gradient clipping', ['global-norm', 'value', 'none'], { optionLabels: { 'global-norm': 'by global norm', value: 'by value', none: 'none' } }), group: 'training' },
    { ...numberField('clipThreshold', 'Clip at', 'decimal'), group: 'training', visible: (s) => (s['clip'] ?? 'global-norm') !== 'none' },
    sharedFields.seed,
    { ...sharedFields.sampleEverySteps, label: 'Samples every' },
    sampling(numberField('temperature', 'Temperature', 'decimal')),
    sampling(numberField('topK', 'Top-k', 'numeric', { hint: '0 = whole vocabulary' })),
    sampling({ ...numberField('seedText', 'Seed text', 'decimal'), value: 'text', hint: 'empty = validation text' }),
    sampling(numberField('sampleLength', 'Sample length', 'numeric', { hint: 'tokens' })),
    sampling(choiceField('decoding', 'Decoding', ['greedy', 'beam']), (s) => formObjective(s) === 'seq2seq'),
    sampling(numberField('beamWidth', 'Beam width', 'numeric'), (s) => formObjective(s) === 'seq2seq' && s['decoding'] === 'beam'),
  ],
  onChange(changed, field) {
    if (field !== 'source' && field !== 'task') return changed;
    // A task needs its name and length: parity of 10 until the researcher says otherwise.
    const next = changed['source'] === 'task' ? { ...changed, task: changed['task'] || 'parity', taskLength: changed['taskLength'] || '10' } : changed;
    // A change of data that changes the objective picks that objective's default template.
    const objective = formObjective(next);
    const t = sequenceTemplateSchema.safeParse(next['template'] ?? '');
    if (t.success && templateObjectives[t.data].includes(objective)) return next;
    return { ...next, template: defaultTemplateFor[objective] };
  },
};




