/** The runs filter language: the tree the parser builds, every error with its offsets, and evaluation on runs in memory. */
import { describe, expect, it } from 'vitest';
import {
  evaluateRunFilter, formatRunFilter, parseRunFilter, RunFilterError,
  type FilterableMetric, type FilterableRun, type RunFilterAst,
} from '../../../main/common/runFilter';

const fam = (v: string): RunFilterAst => ({ kind: 'compare', field: { kind: 'attribute', name: 'family' }, op: '=', value: v });
const seed = (op: '=' | '<' | '>', v: number): RunFilterAst => ({ kind: 'compare', field: { kind: 'attribute', name: 'seed' }, op, value: v });

describe('parseRunFilter: the tree', () => {
  it('parses the issue’s example, with lr as learningRate and best read from the catalogue later', () => {
    expect(parseRunFilter('family = "gan" and (params.lr < 1e-3 or tags has "baseline") and metrics.test_accuracy.best > 0.98')).toEqual({
      kind: 'and',
      terms: [
        fam('gan'),
        { kind: 'or', terms: [
          { kind: 'compare', field: { kind: 'param', key: 'learningRate' }, op: '<', value: 0.001 },
          { kind: 'hasTag', tag: 'baseline' },
        ] },
        { kind: 'compare', field: { kind: 'metric', key: 'test_accuracy', agg: 'best' }, op: '>', value: 0.98 },
      ],
    });
  });

  it('binds not tighter than and, and and tighter than or', () => {
    expect(parseRunFilter('seed = 1 or seed = 2 and seed = 3')).toEqual({ kind: 'or', terms: [seed('=', 1), { kind: 'and', terms: [seed('=', 2), seed('=', 3)] }] });
    expect(parseRunFilter('seed = 1 and seed = 2 or seed = 3')).toEqual({ kind: 'or', terms: [{ kind: 'and', terms: [seed('=', 1), seed('=', 2)] }, seed('=', 3)] });
    expect(parseRunFilter('not seed = 1 and seed = 2')).toEqual({ kind: 'and', terms: [{ kind: 'not', term: seed('=', 1) }, seed('=', 2)] });
    expect(parseRunFilter('not not seed = 1')).toEqual({ kind: 'not', term: { kind: 'not', term: seed('=', 1) } });
  });

  it('lets parentheses override precedence and nest', () => {
    expect(parseRunFilter('(seed = 1 or seed = 2) and seed = 3')).toEqual({ kind: 'and', terms: [{ kind: 'or', terms: [seed('=', 1), seed('=', 2)] }, seed('=', 3)] });
    expect(parseRunFilter('not (seed = 1 or (seed < 2))')).toEqual({ kind: 'not', term: { kind: 'or', terms: [seed('=', 1), seed('<', 2)] } });
    expect(parseRunFilter('((seed > 4))')).toEqual(seed('>', 4));
  });

  it('reads keywords in any case, and == as =', () => {
    expect(parseRunFilter('NOT seed == 1 AND tags HAS "x" Or params.shuffle = TRUE')).toEqual({
      kind: 'or',
      terms: [
        { kind: 'and', terms: [{ kind: 'not', term: seed('=', 1) }, { kind: 'hasTag', tag: 'x' }] },
        { kind: 'compare', field: { kind: 'param', key: 'shuffle' }, op: '=', value: true },
      ],
    });
  });

  it('reads a field path as one token: / inside a key, the last dot for the aggregate, quoted keys', () => {
    const field = (text: string): unknown => {
      const ast = parseRunFilter(`${text} = 1`);
      return ast.kind === 'compare' ? ast.field : ast;
    };
    expect(field('metrics.kl_dim/3.last')).toEqual({ kind: 'metric', key: 'kl_dim/3', agg: 'last' });
    expect(field('metrics.kl_dim/3')).toEqual({ kind: 'metric', key: 'kl_dim/3', agg: 'last' });
    expect(field('metrics."pretrain_loss/layer2".min')).toEqual({ kind: 'metric', key: 'pretrain_loss/layer2', agg: 'min' });
    expect(field('metrics.loss.count')).toEqual({ kind: 'metric', key: 'loss', agg: 'count' });
    expect(field('params.lr')).toEqual({ kind: 'param', key: 'learningRate' });
    expect(field('params."lr"')).toEqual({ kind: 'param', key: 'lr' });
    expect(field('params."warm-up \\"1\\""')).toEqual({ kind: 'param', key: 'warm-up "1"' });
    expect(field('params.hidden_2/b')).toEqual({ kind: 'param', key: 'hidden_2/b' });
  });

  it('reads numbers, strings with escapes and booleans', () => {
    const value = (text: string): unknown => {
      const ast = parseRunFilter(`params.x = ${text}`);
      return ast.kind === 'compare' ? ast.value : ast;
    };
    expect([value('1e-3'), value('-0.5'), value('.5'), value('+2'), value('1E3'), value('7'), value('2.')]).toEqual([0.001, -0.5, 0.5, 2, 1000, 7, 2]);
    expect(value('"a \\"b\\" \\\\ c"')).toBe('a "b" \\ c');
    expect(value('""')).toBe('');
    expect([value('true'), value('False')]).toEqual([true, false]);
    expect(parseRunFilter('seed=-1')).toEqual(seed('=', -1));
    expect(parseRunFilter('name ~"x"and seed>1')).toEqual({ kind: 'and', terms: [{ kind: 'contains', field: { kind: 'attribute', name: 'name' }, text: 'x' }, seed('>', 1)] });
  });

  it('treats empty or blank text as the filter that keeps every run', () => {
    expect(parseRunFilter('')).toEqual({ kind: 'all' });
    expect(parseRunFilter('  \n\t ')).toEqual({ kind: 'all' });
  });

  it('formats a tree back to text that parses to the same tree', () => {
    const filters = [
      'family = "gan" and (params.lr < 1e-3 or tags has "baseline") and metrics.test_accuracy.best > 0.98',
      'not (seed = 1 or seed = 2) and not not seed = 3',
      '(seed = 1 or seed = 2) or seed = 3',
      'seed = 1 and (seed = 2 and seed = 3)',
      'params."lr" = 1 and params."warm up" != "a\\"b" and metrics."kl_dim/3".max >= -2e-9',
      'tags ~ "base" or name ~ "MLP" or params.optimizer ~ "ad"',
      '',
    ];
    for (const f of filters) {
      const ast = parseRunFilter(f);
      expect(parseRunFilter(formatRunFilter(ast)), f).toEqual(ast);
    }
    expect(formatRunFilter(parseRunFilter('(seed=1 or seed=2) and not (seed=3)'))).toBe('(seed = 1 or seed = 2) and not seed = 3');
  });
});

/** [filter, start, end, message pattern]: the error each filter gets, and the text it underlines. */
const errorCases: [string, number, number, RegExp][] = [
  ['starred = 1', 10, 11, /^starred is true or false: write starred = true or starred = false$/],
  ['archived > false', 9, 10, /^> does not apply to archived, which is true or false: use = or !=$/],
  ['starred ~ "x"', 8, 9, /^~ searches text, and starred is true or false/],
  ['notes = 3', 8, 9, /^notes is text: put the value in double quotes$/],
  ['notes < "a"', 6, 7, /^< does not apply to notes, which is text/],
  ['archivd = true', 0, 7, /did you mean archived\?/],
  ['famly = "gan"', 0, 5, /^Unknown field "famly": did you mean family\?/],
  ['Family = "gan"', 0, 6, /did you mean family\?/],
  ['lr < 1e-3', 0, 2, /Unknown field "lr": did you mean params\.lr\?/],
  ['test_accuracy > 0.9', 0, 13, /did you mean metrics\.test_accuracy\?/],
  ['metrics.test_acuracy.best > 0.9', 8, 20, /^No family records a metric "test_acuracy": did you mean metrics\.test_accuracy\?/],
  ['metrics.kl_dim3 > 0', 8, 15, /did you mean metrics\.kl_dim\/<i>\?/],
  ['metrics.loss.bset > 1', 13, 17, /^Unknown aggregate "bset" \(did you mean best\?\): a metric is read as last, best, min, max, count$/],
  ['metrics.loss.mean > 1', 13, 17, /^Unknown aggregate "mean": a metric is read as/],
  ['metrics.loss.min.x > 1', 16, 18, /metrics\.<key>\.<aggregate>; a key with a dot is written in quotes/],
  ['metrics > 1', 0, 7, /^metrics needs a key/],
  ['params < 1', 0, 6, /^params needs a key/],
  ['params.a.b = 1', 8, 10, /a key with a dot is written in quotes: params\."a\.b"/],
  ['name.first = "x"', 4, 10, /^name has no parts/],
  ['metrics. > 1', 7, 8, /^Expected a key after "metrics\."/],
  ['status < 3', 7, 8, /^< does not apply to status, which is text: use =, != or ~/],
  ['seed = "7"', 7, 10, /^seed is a number: write the number without quotes/],
  ['name = 3', 7, 8, /^name is text: put the value in double quotes/],
  ['metrics.loss = true', 15, 19, /^metrics\.loss\.last is a number/],
  ['params.shuffle < true', 17, 21, /^< compares numbers; "true" can only be compared with = or !=/],
  ['status = "don"', 9, 14, /^A run's status is one of queued, running, done, failed, cancelled, interrupted: did you mean "done"\?/],
  ['seed ~ "1"', 5, 6, /^~ searches text, and seed is a number/],
  ['metrics.loss ~ "1"', 13, 14, /^~ searches text/],
  ['name ~ 3', 7, 8, /^Expected a string in double quotes after name's operator but found "3"/],
  ['name has "x"', 5, 8, /^has applies only to tags/],
  ['tags = "x"', 5, 6, /^Tags are tested with has/],
  ['tags has baseline', 9, 17, /^Expected a string in double quotes/],
  ['name = "abc', 7, 11, /^This string has no closing "/],
  ['name = "a\\nb"', 9, 11, /backslash escapes only/],
  ["name = 'x'", 7, 8, /^Strings are written in double quotes/],
  ['seed = 1 && seed = 2', 9, 10, /^Write "and"/],
  ['seed = 1 || seed = 2', 9, 10, /^Write "or"/],
  ['seed = 1.2.3', 7, 12, /^"1\.2\.3" is not a number/],
  ['seed = 1e', 7, 9, /^"1e" is not a number/],
  ['seed = -', 7, 8, /^"-" is not a number/],
  ['seed @ 1', 5, 6, /^Unexpected character "@"/],
  ['name = = "x"', 7, 8, /^Expected a value \(a number, a string in double quotes, true or false\) after name = but found "="/],
  ['seed 1', 5, 6, /^Expected an operator \(=, !=, <, <=, >, >=, ~\) after seed but found "1"/],
  ['(family = "gan"', 0, 1, /^This \( is never closed/],
  ['(family = "gan" seed = 1)', 16, 20, /^Expected and, or or \) but found "seed"/],
  ['family = "gan")', 14, 15, /^This \) has no matching \(/],
  ['family = "gan" seed = 1', 15, 19, /^Unexpected "seed" after a complete condition: join conditions with and \/ or/],
  ['family = "gan" and', 18, 18, /^Expected a condition .* but found the end of the filter/],
  ['and seed = 1', 0, 3, /^Expected a condition .* but found "and"/],
  ['()', 1, 2, /^Expected a condition .* but found "\)"/],
  ['not', 3, 3, /found the end of the filter/],
  [`${'('.repeat(150)}seed = 1${')'.repeat(150)}`, 100, 101, /^This filter nests more than 100 levels/],
];

describe('parseRunFilter: errors point at the token at fault', () => {
  it.each(errorCases)('%s', (text, start, end, message) => {
    let caught: unknown;
    try {
      parseRunFilter(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RunFilterError);
    const err = caught instanceof RunFilterError ? caught : undefined;
    expect(err?.message).toMatch(message);
    expect({ start: err?.start, end: err?.end, token: text.slice(err?.start ?? 0, err?.end ?? 0) })
      .toEqual({ start, end, token: text.slice(start, end) });
    expect(err?.name).toBe('RunFilterError');
  });
});

function metric(last: number | null, min: number | null = last, max: number | null = last, count = 1): FilterableMetric {
  return { last, min, max, count };
}

function run(overrides: Partial<FilterableRun>): FilterableRun {
  return {
    id: 1, name: 'mlp-adam', status: 'done', family: 'classifier', backend: 'wasm', dataset: 'mnist', experiment: 1, seed: 7,
    created: 1_000, started: 2_000, ended: 12_000, notes: '', starred: false, archived: false, params: {}, tags: [], metrics: {}, ...overrides,
  };
}

const passes = (filter: string, r: FilterableRun): boolean => evaluateRunFilter(parseRunFilter(filter), r);

describe('evaluateRunFilter', () => {
  it('applies the issue’s example', () => {
    const f = 'family = "gan" and (params.lr < 1e-3 or tags has "baseline") and metrics.frechet_distance.best < 20';
    const gan = run({ family: 'gan', params: { learningRate: 5e-4 }, metrics: { frechet_distance: metric(30, 12, 80) } });
    expect(passes(f, gan)).toBe(true);
    expect(passes(f, { ...gan, params: { learningRate: 1e-2 } })).toBe(false);
    expect(passes(f, { ...gan, params: { learningRate: 1e-2 }, tags: ['baseline'] })).toBe(true);
    expect(passes(f, { ...gan, family: 'vae' })).toBe(false);
  });

  it('reads best as max or min by the family’s catalogue, and last without a direction', () => {
    const m = { test_accuracy: metric(0.5, 0.1, 0.99), loss: metric(0.5, 0.1, 0.9), d_loss: metric(0.5, 0.1, 0.9), 'kl_dim/3': metric(0.5, 0.1, 0.9), 'pretrain_loss/layer2': metric(0.5, 0.1, 0.9) };
    expect(passes('metrics.test_accuracy.best = 0.99', run({ family: 'classifier', metrics: m }))).toBe(true);
    expect(passes('metrics.loss.best = 0.1', run({ family: 'classifier', metrics: m }))).toBe(true);
    expect(passes('metrics.test_accuracy.best = 0.5', run({ family: 'gan', metrics: m }))).toBe(true);
    expect(passes('metrics.d_loss.best = 0.5', run({ family: 'gan', metrics: m }))).toBe(true);
    expect(passes('metrics.kl_dim/3.best = 0.5', run({ family: 'vae', metrics: m }))).toBe(true);
    expect(passes('metrics.pretrain_loss/layer2.best = 0.1', run({ family: 'autoencoder', metrics: m }))).toBe(true);
    expect(passes('metrics.loss.best = 0.5', run({ family: 'a-newer-family', metrics: m }))).toBe(true);
  });

  it('reads last, min, max and count, count being 0 for a key without points', () => {
    const r = run({ metrics: { loss: metric(0.3, 0.1, 2, 40) } });
    expect(['metrics.loss = 0.3', 'metrics.loss.last = 0.3', 'metrics.loss.min = 0.1', 'metrics.loss.max = 2', 'metrics.loss.count = 40'].map((f) => passes(f, r))).toEqual([true, true, true, true, true]);
    expect(passes('metrics.val_loss.count = 0', r)).toBe(true);
    expect(passes('metrics.val_loss.count > 0', r)).toBe(false);
  });

  it('makes every comparison with a missing value false, != included, and not of it true', () => {
    const r = run({ status: 'running', backend: null, ended: null, params: { optimizer: 'adam', learningRate: '0.001' }, metrics: { loss: metric(null, null, null, 3) } });
    for (const f of ['duration >= 0', 'duration != 5', 'backend != "wasm"', 'backend ~ ""', 'params.beta != 1', 'params.learningRate != 1',
      'params.optimizer != true', 'metrics.loss != 1', 'metrics.loss.max != 1', 'metrics.val_loss != 1', 'params.constructor != 1', 'params.toString ~ ""']) {
      expect(passes(f, r), f).toBe(false);
      expect(passes(`not ${f}`, r), `not ${f}`).toBe(true);
    }
    expect(passes('params.learningRate = "0.001"', r)).toBe(true);
    expect(passes('metrics.loss.count = 3', r)).toBe(true);
    expect(passes('metrics.loss != 1', run({ metrics: { loss: metric(Number.NaN) } }))).toBe(false);
  });

  it('computes duration as ended − started', () => {
    expect(passes('duration = 10000', run({}))).toBe(true);
    expect(passes('duration > 0', run({ started: null, ended: 5_000, status: 'cancelled' }))).toBe(false);
  });

  it('compares text exactly with = and folds only ASCII letters for ~', () => {
    const r = run({ name: 'Été MLP-adam', tags: ['Baseline-v2'], params: { optimizer: 'AdamW' } });
    expect(passes('name = "été mlp-adam"', r)).toBe(false);
    expect(passes('name ~ "mlp-ADAM"', r)).toBe(true);
    expect(passes('name ~ "été"', r)).toBe(false);
    expect(passes('name ~ "Été"', r)).toBe(true);
    expect(passes('name ~ ""', r)).toBe(true);
    expect(passes('tags ~ "baseline"', r)).toBe(true);
    expect(passes('tags has "baseline"', r)).toBe(false);
    expect(passes('tags has "Baseline-v2"', r)).toBe(true);
    expect(passes('params.optimizer ~ "adamw"', r)).toBe(true);
    expect(passes('params.optimizer = "adamw"', r)).toBe(false);
  });

  it('compares booleans, with true and false as 1 and 0 never mixed with numbers', () => {
    const r = run({ params: { shuffle: true, epochs: 1 } });
    expect(passes('params.shuffle = true', r)).toBe(true);
    expect(passes('params.shuffle != false', r)).toBe(true);
    expect(passes('params.shuffle = 1', r)).toBe(false);
    expect(passes('params.epochs = true', r)).toBe(false);
  });

  it('keeps every run with the empty filter', () => {
    expect(passes('', run({}))).toBe(true);
  });

  it('reads starred and archived as booleans and searches notes with ~', () => {
    const r = run({ starred: true, archived: false, notes: 'Baseline: **lr 1e-3**\nsee run 12' });
    expect(['starred = true', 'starred != false', 'archived = false', 'not archived = true'].map((f) => passes(f, r))).toEqual([true, true, true, true]);
    expect(['starred = false', 'archived = true', 'archived != false'].map((f) => passes(f, r))).toEqual([false, false, false]);
    expect(passes('notes ~ "baseline"', r)).toBe(true);
    expect(passes('notes ~ "RUN 12"', r)).toBe(true);
    expect(passes('notes ~ "run 13"', r)).toBe(false);
    expect(passes('notes = ""', run({}))).toBe(true);
    expect(passes('notes ~ ""', run({}))).toBe(true);
  });
});
