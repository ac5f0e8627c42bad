/**
 * Bundles through the real services and SQLite files (issue 14): two tiny
 * VAE runs (MNIST 200/100, 1 epoch, batch 50, seeds 1 and 2, wasm) leave
 * sample galleries and a checkpoint; exported as one .lwbundle and imported
 * into an empty data folder, every row and file compares equal by uuid and
 * content. A second import adds nothing. A truncated, foreign, corrupt or
 * newer bundle is refused with a message naming the problem, and the target's
 * tables and files are exactly as before.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, type BundleExportReport } from '../../main/common/bundleFormat';
import { createServices, type AppServices } from '../../main/services/appServices';
import { filesUnder } from '../../main/services/bundle/bundleExport';
import { writeBundle } from '../../main/services/bundle/bundleFile';
import { BLOCK, padding, parseHeader } from '../../main/services/bundle/tar';
import { runConfigSchema } from '../../workers/common/runConfig';
import { requireBuilt, tempDir } from '../helpers/tempDir';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let source: AppServices;
let target: AppServices;
const runIds: number[] = [];
let exported: BundleExportReport;
const work = tempDir('latent-bundles-');

function vaeConfig(seed: number) {
  return runConfigSchema.parse({
    family: 'vae', dataset: { id: 'mnist', trainSize: 200, testSize: 100 }, architecture: { template: 'mlp' },
    hyper: { epochs: 1, batchSize: 50, latentDim: 2, seed },
  });
}

beforeAll(async () => {
  requireBuilt();
  source = createServices({ dataDir: path.join(work, 'source'), env: { LATENT_BACKEND: 'wasm' } });
  target = createServices({ dataDir: path.join(work, 'target'), env: { LATENT_BACKEND: 'wasm' } });
  const exp = source.experiments.create('moving', 'runs that travel').id;
  for (const seed of [1, 2]) {
    const id = source.runs.start(exp, vaeConfig(seed)).id;
    await expect(source.runs.waitForEnd(id)).resolves.toBe('done');
    runIds.push(id);
  }
  source.runs.setTags(runIds[0]!, ['baseline', 'seed-1']);
  source.runs.update(runIds[1]!, { notes: 'second seed', starred: true });
  exported = await source.handlers['bundles.export']({ runIds, path: path.join(work, 'two-runs'), includeDatasets: false });
}, 120_000);
afterAll(async () => {
  await source.close();
  await target.close();
});

type Row = Record<string, unknown>;

/** Every row that belongs to a run, keyed by the run's uuid, without ids and change bookkeeping (which differ between workbenches). */
function runRows(dbFile: string): Map<string, Row> {
  const db = new Database(dbFile, { readonly: true });
  try {
    const runs = db.prepare('SELECT * FROM runs ORDER BY id').all() as Row[];
    const result = new Map<string, Row>();
    for (const r of runs) {
      const id = r['id'];
      const per = (sql: string): Row[] => (db.prepare(sql).all(id) as Row[]).map(({ run_id: _r, id: _i, ...rest }) => rest);
      // owner and revision are this database's bookkeeping (which process trains it, the change counter), not the run's.
      const { id: _id, experiment_id: _e, architecture_id: _a, owner: _o, revision: _v, ...fields } = r;
      result.set(String(r['uuid']), {
        fields,
        experiment: db.prepare('SELECT uuid, name, description, created_at FROM experiments WHERE id = ?').get(r['experiment_id']),
        params: per('SELECT * FROM params WHERE run_id = ? ORDER BY key'),
        metrics: per('SELECT * FROM metrics WHERE run_id = ? ORDER BY id'),
        latest: per('SELECT * FROM latest_metrics WHERE run_id = ? ORDER BY key'),
        logs: per('SELECT * FROM logs WHERE run_id = ? ORDER BY id'),
        tags: per('SELECT * FROM run_tags WHERE run_id = ? ORDER BY tag'),
        artifacts: per('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id').map((a) => ({ ...a, path: String(a['path']).split(path.sep).slice(2).join('/') })),
      });
    }
    return result;
  } finally {
    db.close();
  }
}

/** Every table's every row, for "nothing changed". */
function dump(dbFile: string): Record<string, unknown[]> {
  const db = new Database(dbFile, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    db.close();
  }
}

/** Each file under a folder with its sha256 (staging folders included, so a leftover shows). */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).filter((f) => !f.startsWith('workbench.sqlite'))
    .map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

const runFiles = (s: AppServices, id: number) => tree(path.join(s.dataDir, 'runs', String(id)));

describe('bundle round trip', () => {
  it('gives every run a version-4 uuid', () => {
    const rows = runRows(source.store.path);
    expect([...rows.keys()]).toHaveLength(2);
    for (const uuid of rows.keys()) expect(uuid).toMatch(UUID_V4);
    expect(exported.runs.map((r) => r.uuid).sort()).toEqual([...rows.keys()].sort());
    expect(exported.file.endsWith('two-runs.lwbundle')).toBe(true);
    expect(exported.datasetsReferenced).toEqual(['mnist']);
  });

  it('imports into an empty data folder with every row and file equal', async () => {
    const report = await target.handlers['bundles.import']({ path: exported.file });
    expect(report.runsAdded.map((r) => r.uuid).sort()).toEqual(exported.runs.map((r) => r.uuid).sort());
    expect(report.runsSkipped).toEqual([]);
    expect(report.experimentsCreated.map((e) => e.name)).toEqual(['moving']);
    expect(report.datasetsMissing).toEqual([]); // mnist is built in
    const before = runRows(source.store.path);
    const after = runRows(target.store.path);
    expect(after).toEqual(before);
    const sample = [...before.values()][0]!;
    expect((sample['metrics'] as Row[]).length).toBeGreaterThan(0);
    expect((sample['artifacts'] as Row[]).map((a) => a['kind'])).toEqual(expect.arrayContaining(['checkpoint', 'samples']));
    for (const r of report.runsAdded) {
      const from = exported.runs.find((e) => e.uuid === r.uuid)!;
      const files = runFiles(source, from.id);
      expect(Object.keys(files).length).toBeGreaterThan(2);
      expect(runFiles(target, r.id)).toEqual(files);
    }
    expect(report.filesAdded).toBe(exported.runs.reduce((n, r) => n + Object.keys(runFiles(source, r.id)).length, 0));
    expect(report.artifactsAdded).toBe([...before.values()].reduce((n, r) => n + (r['artifacts'] as Row[]).length, 0));
    // The imported run reads through the services as the source's does, its checkpoint included.
    const id = report.runsAdded[0]!.id;
    expect(target.store.latestCheckpoint(id)?.dir.startsWith(path.join('runs', String(id)))).toBe(true);
    expect(target.runs.detail(id).latest).toEqual(source.runs.detail(exported.runs.find((e) => e.uuid === report.runsAdded[0]!.uuid)!.id).latest);
  });

  it('adds nothing on a second import and reports the runs as skipped', async () => {
    const before = dump(target.store.path);
    const files = tree(target.dataDir);
    const report = await target.handlers['bundles.import']({ path: exported.file });
    expect(report.runsAdded).toEqual([]);
    expect(report.runsSkipped.map((r) => r.uuid).sort()).toEqual(exported.runs.map((r) => r.uuid).sort());
    expect(dump(target.store.path)).toEqual(before);
    expect(tree(target.dataDir)).toEqual(files);
  });
});

describe('refused bundles change nothing', () => {
  let empty: AppServices;
  beforeAll(() => { empty = createServices({ dataDir: path.join(work, 'empty'), env: { LATENT_BACKEND: 'wasm' } }); });
  afterAll(async () => { await empty.close(); });

  async function refused(file: string): Promise<string> {
    const before = dump(empty.store.path);
    const files = tree(empty.dataDir);
    const err = await empty.bundles.import(file).then(() => null, (e: unknown) => e);
    expect(dump(empty.store.path)).toEqual(before);
    expect(tree(empty.dataDir)).toEqual(files);
    if (!(err instanceof Error)) throw new Error(`${file} was imported, but should have been refused`);
    return err.message;
  }

  it('refuses a truncated bundle, naming the byte where it ends', async () => {
    const file = path.join(work, 'truncated.lwbundle');
    const bytes = fs.readFileSync(exported.file);
    const cut = Math.floor(bytes.length * 0.6);
    fs.writeFileSync(file, bytes.subarray(0, cut));
    expect(await refused(file)).toContain(`truncated at byte ${cut}`);
    expect(await refused(file)).toMatch(/Nothing was changed/);
  });

  it('refuses a foreign file (a PNG renamed)', async () => {
    const png = filesUnder(source.dataDir).find((f) => f.endsWith('.png'))!;
    const file = path.join(work, 'picture.lwbundle');
    fs.copyFileSync(path.join(source.dataDir, png), file);
    expect(await refused(file)).toMatch(/not a Latent Workbench bundle/);
  });

  it('refuses a bundle whose entry does not match its checksum, naming the entry', async () => {
    const bytes = Buffer.from(fs.readFileSync(exported.file));
    let offset = 0;
    let victim = '';
    for (;;) {
      const h = parseHeader(bytes.subarray(offset, offset + BLOCK), offset);
      if (h === null) break;
      if (h.path.endsWith('/metrics.json')) {
        victim = h.path;
        bytes[h.dataOffset + 10] = (bytes[h.dataOffset + 10] ?? 0) ^ 0x01;
        break;
      }
      offset = h.dataOffset + h.size + padding(h.size);
    }
    expect(victim).not.toBe('');
    const file = path.join(work, 'corrupt.lwbundle');
    fs.writeFileSync(file, bytes);
    expect(await refused(file)).toContain(`checksum mismatch in ${victim}`);
  });

  it('refuses a bundle of a newer format version', async () => {
    const file = path.join(work, 'future.lwbundle');
    await writeBundle(file, {
      format: BUNDLE_FORMAT, formatVersion: 99, appVersion: '9.9.9', createdAt: new Date(0).toISOString(),
      source: { kind: 'runs', experiment: null }, includesDatasets: false,
    }, [{ path: 'bundle.json', content: Buffer.from('{}') }]);
    expect(await refused(file)).toMatch(/bundle format version 99 is newer than this app's \(1\)/);
  });

  it('names the imported text corpus a sequence run needs when the other workbench lacks it (bundles do not carry corpora)', async () => {
    const corpusFile = path.join(work, 'tiny.txt');
    fs.writeFileSync(corpusFile, 'in the beginning god created the heaven and the earth.\n'.repeat(12));
    const corpus = source.corpora.import({ path: corpusFile, name: 'Tiny text' });
    // Seed 29, 2 epochs of a 2-layer, 8-unit RNN LM on 672 characters: a run, not a model.
    const config = runConfigSchema.parse({
      family: 'sequence', architecture: { template: 'rnn-lm' },
      data: { source: 'text', corpus: corpus.id, sequenceLength: 16, validationFraction: 0.25 },
      hyper: { units: 8, embeddingDim: 4, layers: 2, epochs: 2, batchSize: 8, seed: 29 },
    });
    const id = source.runs.start(source.experiments.create('text', '').id, config).id;
    await expect(source.runs.waitForEnd(id)).resolves.toBe('done');
    const file = path.join(work, 'text-run');
    await source.handlers['bundles.export']({ runIds: [id], path: file, includeDatasets: false });
    const report = await target.handlers['bundles.import']({ path: `${file}.lwbundle` });
    expect(report.runsAdded).toHaveLength(1);
    expect(report.corporaMissing).toEqual([corpus.id]);
    // The VAE runs of the first bundle name no corpus.
    expect((await target.handlers['bundles.import']({ path: exported.file })).corporaMissing).toEqual([]);
  }, 120_000);
});
