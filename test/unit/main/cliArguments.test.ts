/** The CLI's strict arguments: options a command does not take, the nearest key for a mistyped config key, and which --set an error comes from. */
import { describe, expect, it } from 'vitest';
import { checkCommandOptions, commandKey } from '../../../main/cli/cliOptions';
import { explainConfigIssues, keysAt, levenshtein, nearestKey } from '../../../main/cli/configOverrides';
import { CliError } from '../../../main/cli/commands';
import { runConfigSchema } from '../../../workers/common/families/registry';
import { applyOverrides } from '../../../workers/common/runConfigBase';

function refusal(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('options per command', () => {
  it('names the option a command does not take, and what it takes', () => {
    expect(refusal(() => checkCommandOptions('runs', undefined, ['config']))).toBe(
      'runs list does not take --config; it takes --experiment, --filter, --sort, --columns, --watch, --data, --json');
    expect(refusal(() => checkCommandOptions('cancel', '3', ['yes', 'json', 'experiment']))).toBe(
      'cancel does not take --yes, --experiment; it takes --data, --json');
    expect(refusal(() => checkCommandOptions('experiments', 'create', ['name']))).toMatch(/^experiments create does not take --name; it takes --description/);
  });

  it('accepts each command\'s own options, and leaves an unknown subcommand to the command', () => {
    expect(() => checkCommandOptions('runs', 'list', ['experiment', 'json', 'data'])).not.toThrow();
    expect(() => checkCommandOptions('runs', 'reevaluate', ['step', 'samples'])).not.toThrow();
    expect(() => checkCommandOptions('export', '1', ['checkpoint'])).not.toThrow();
    expect(() => checkCommandOptions('datasets', 'frobnicate', ['config'])).not.toThrow();
    expect(commandKey('runs', '7')).toBe('runs');
    expect(commandKey('experiments', undefined)).toBe('experiments list');
  });
});

describe('the nearest config key', () => {
  it('measures edit distance by hand-counted examples', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('lerningRate', 'learningRate')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('reads the keys at a path from the family\'s schema', () => {
    const hyper = keysAt('classifier', ['hyper']);
    expect(hyper).toEqual(expect.arrayContaining(['learningRate', 'epochs', 'batchSize', 'seed']));
    expect(keysAt('classifier', ['dataset'])).toEqual(expect.arrayContaining(['id', 'trainSize', 'testSize']));
    expect(keysAt('nonsense', ['hyper'])).toEqual([]);
  });

  it('suggests by initials, then by a small edit distance, then by prefix; nothing when nothing is close', () => {
    const keys = ['epochs', 'batchSize', 'learningRate', 'seed', 'optimizer'];
    expect(nearestKey('lr', keys)).toBe('learningRate');
    expect(nearestKey('bs', keys)).toBe('batchSize');
    expect(nearestKey('lerningRate', keys)).toBe('learningRate');
    expect(nearestKey('epoch', keys)).toBe('epochs');
    expect(nearestKey('optim', keys)).toBe('optimizer');
    expect(nearestKey('temperature', keys)).toBeUndefined();
  });
});

describe('config errors name their --set', () => {
  const file = { family: 'classifier', hyper: { epochs: 1 } };

  function lines(raw: unknown, sets: string[]): string[] {
    const config = applyOverrides(raw, sets);
    const parsed = runConfigSchema.safeParse(config);
    expect(parsed.success).toBe(false);
    return parsed.success ? [] : explainConfigIssues(config, parsed.error, sets);
  }

  it('blames a bad value on the --set that wrote it, and suggests the key a typo meant', () => {
    expect(lines(file, ['hyper.epochs=abc'])).toEqual(['--set hyper.epochs=abc: epochs must be a number']);
    expect(lines(file, ['hyper.lr=0.01'])).toEqual(['--set hyper.lr=0.01: hyper has no setting "lr"; did you mean hyper.learningRate?']);
  });

  it('leaves what the file says to the file, with its path', () => {
    expect(lines({ ...file, hyper: { epochs: 'two' } }, ['hyper.seed=4'])).toEqual(['hyper.epochs: epochs must be a number']);
    expect(lines({ ...file, hyper: { epochs: 1, lr: 0.1 } }, [])).toEqual(['hyper has no setting "lr"; did you mean hyper.learningRate?']);
  });
});
