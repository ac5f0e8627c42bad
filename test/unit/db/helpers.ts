/** Shared fixtures for the db tests: temp folders and a representative run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewRun } from '../../../db/storeTypes';
import type { GraphDocument, ModelDocument } from '../../../workers/common/graph';
import type { RunConfig } from '../../../workers/common/runConfig';

const made: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const sourceMigrationsDir = path.join(__dirname, '..', '..', '..', 'db', 'migrations');

export function sampleGraph(name = 'mlp', units = 10): GraphDocument {
  return {
    format: 'latent-graph',
    version: 1,
    name,
    nodes: [
      { id: 'in', kind: 'input', params: { shape: [28, 28, 1] } },
      { id: 'flat', kind: 'flatten', params: {} },
      { id: 'out', kind: 'dense', params: { units, activation: 'softmax' } },
    ],
    edges: [
      { from: 'in', to: 'flat', toPort: 0 },
      { from: 'flat', to: 'out', toPort: 0 },
    ],
  };
}

/** A small model document with a family's parts (encoder/decoder, or generator/discriminator for 'gan'). */
export function sampleModel(name = 'model', family: 'autoencoder' | 'vae' | 'gan' = 'vae'): ModelDocument {
  const [a, b] = family === 'gan' ? ['generator', 'discriminator'] : ['encoder', 'decoder'];
  return { format: 'latent-model', version: 1, name, parts: { [a]: sampleGraph(`${name} ${a}`, 4), [b]: sampleGraph(`${name} ${b}`, 1) } };
}

export function sampleConfig(learningRate = 0.001): RunConfig {
  return {
    family: 'classifier',
    name: 'sample',
    dataset: { id: 'mnist', trainSize: 1000 },
    architecture: { template: 'mlp' },
    hyper: { epochs: 2, batchSize: 64, optimizer: 'adam', learningRate, momentum: 0.9, validationSplit: 0.1, seed: 7 },
  };
}

export function sampleRun(experimentId: number, overrides: Partial<NewRun> = {}): NewRun {
  return {
    experimentId,
    name: 'mlp-adam',
    family: 'classifier',
    config: sampleConfig(),
    architecture: sampleGraph(),
    seed: 7,
    datasetId: 'mnist',
    datasetHash: 'sha256:abc',
    appVersion: '0.1.0-test',
    params: { learningRate: 0.001, optimizer: 'adam', shuffle: true, epochs: 2 },
    ...overrides,
  };
}

/** A copy of the first `count` real migrations (plus any extra files) in a fresh folder. */
export function migrationsDirWith(count: number, extra: Record<string, string> = {}): string {
  const dir = tempDir();
  const files = fs.readdirSync(sourceMigrationsDir).filter((f) => f.endsWith('.sql')).sort().slice(0, count);
  for (const f of files) fs.copyFileSync(path.join(sourceMigrationsDir, f), path.join(dir, f));
  for (const [name, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

export function backupsOf(file: string): string[] {
  const base = path.basename(file);
  return fs.readdirSync(path.dirname(file))
    .filter((f) => f.startsWith(`${base}.backup-v`))
    .map((f) => path.join(path.dirname(file), f));
}
