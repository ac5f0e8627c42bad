/**
 * How well and how fast the classifier family does at full size: MLP and
 * LeNet-5 trained on all 60,000 MNIST training images and evaluated on all
 * 10,000 test images, through the real app path (services, SQLite, worker).
 * Writes bench/results/classifier.json and prints a table.
 *   node dist/bench/classifierAccuracy.js [--epochs N] [--backend wasm]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appRoot } from '../main/services/appInfo';
import { createServices } from '../main/services/appServices';
import { classifierConfigSchema, type ClassifierTemplate } from '../workers/common/runConfig';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '3' }, backend: { type: 'string', default: 'wasm' } } });
  const epochs = Number(values.epochs);
  const backend = values.backend ?? 'wasm';
  const services = createServices({ dataDir: mkdtempSync(join(tmpdir(), 'latent-bench-')), env: { LATENT_BACKEND: backend } });
  const experiment = services.experiments.create('bench', 'full-size classifier benchmark');
  const results: Record<string, number | string> = {};
  const rows: string[] = [];
  try {
    for (const [key, template] of [['mlp', 'mlp'], ['cnn', 'lenet']] as [string, ClassifierTemplate][]) {
      const config = classifierConfigSchema.parse({
        family: 'classifier',
        name: `bench-${template}`,
        dataset: { id: 'mnist' },
        architecture: { template },
        hyper: { epochs, batchSize: 64, optimizer: 'adam', learningRate: 0.001, validationSplit: 0, seed: 1 },
      });
      const run = services.runs.start(experiment.id, config);
      const status = await services.runs.waitForEnd(run.id);
      const d = services.runs.detail(run.id);
      if (status !== 'done') throw new Error(`${template} run ended ${status}: ${d.error ?? ''}`);
      const seconds = ((d.endedAt ?? 0) - (d.startedAt ?? 0)) / 1000;
      const acc = d.latest['test_accuracy'] ?? NaN;
      const b = d.backend ?? backend;
      results[`${key}.${b}.test_accuracy`] = Number(acc.toFixed(4));
      results[`${key}.${b}.test_error_pct`] = Number(((1 - acc) * 100).toFixed(2));
      results[`${key}.${b}.wall_s`] = Number(seconds.toFixed(1));
      results[`${key}.${b}.train_samples_per_s`] = Math.round((60000 * epochs) / seconds);
      rows.push(`| ${key} (${template}) | ${b} | ${epochs} | ${(acc * 100).toFixed(2)} % | ${seconds.toFixed(1)} | ${Math.round((60000 * epochs) / seconds)} |`);
      console.error(`${template}: ${(acc * 100).toFixed(2)} % in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await services.close();
  }
  const out = {
    benchmark: 'classifierAccuracy',
    description: `MLP and LeNet-5 on all 60,000 MNIST training images for ${epochs} epoch(s) (Adam 1e-3, batch 64, seed 1), test accuracy on all 10,000 test images; wall time includes evaluation and checkpoints. Reference: LeNet-5 0.95 % test error after full training.`,
    date: new Date().toISOString(),
    machine: { cpu_model: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node_version: process.version },
    results,
  };
  const dir = join(appRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'classifier.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('| model | backend | epochs | test accuracy | wall s | train samples/s |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(`\nWrote ${join(dir, 'classifier.json')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
