/** Saved architectures on a real SQLite file: versions, families, notes, forks and the runs that trained them. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import { ArchitectureSaveError, type Store } from '../../../db/storeTypes';
import { removeTempDirs, sampleGraph, sampleModel, sampleRun, tempDir } from './helpers';

let store: Store;
let clock: number;

beforeEach(() => {
  clock = 5_000;
  store = openStore(path.join(tempDir(), 'arch.db'), { now: () => clock++ });
});

afterEach(() => {
  store.close();
  removeTempDirs();
});

function refusal(fn: () => unknown): ArchitectureSaveError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ArchitectureSaveError);
    return e as ArchitectureSaveError;
  }
  throw new Error('expected a refusal');
}

describe('saved architectures', () => {
  it('counts versions up per name, for every family, and reads any version back', () => {
    const v1 = store.saveArchitecture({ name: ' my-vae ', family: 'vae', architecture: sampleModel('my-vae'), note: 'first cut' });
    const v2 = store.saveArchitecture({ name: 'my-vae', family: 'vae', architecture: sampleModel('my-vae-2'), note: '  ' });
    const gan = store.saveArchitecture({ name: 'my-gan', family: 'gan', architecture: sampleModel('my-gan', 'gan') });
    const ae = store.saveArchitecture({ name: 'AE', family: 'autoencoder', architecture: sampleModel('ae', 'autoencoder') });
    const clf = store.saveArchitecture({ name: 'clf', family: 'classifier', architecture: sampleGraph('clf') });

    expect(v1).toEqual({
      id: v1.id, name: 'my-vae', family: 'vae', version: 1, createdAt: 5_000, note: 'first cut', forkOf: null, runCount: 0,
      architecture: sampleModel('my-vae'), versionCount: 1,
    });
    expect(v2).toMatchObject({ id: v1.id, version: 2, note: null, versionCount: 2 });
    expect(gan).toMatchObject({ family: 'gan', version: 1 });
    expect(new Set([v1.id, gan.id, ae.id, clf.id]).size).toBe(4);

    expect(store.getArchitecture(v1.id)).toMatchObject({ version: 2, versionCount: 2, architecture: sampleModel('my-vae-2') });
    expect(store.getArchitecture(v1.id, 1)).toMatchObject({ version: 1, versionCount: 2, note: 'first cut', architecture: sampleModel('my-vae') });
    expect(store.getArchitecture(v1.id, 3)).toBeUndefined();
    expect(store.getArchitecture(9999)).toBeUndefined();

    expect(store.listArchitectures().map((a) => [a.name, a.family, a.version, a.versionCount])).toEqual([
      ['AE', 'autoencoder', 1, 1], ['clf', 'classifier', 1, 1], ['my-gan', 'gan', 1, 1], ['my-vae', 'vae', 2, 2],
    ]);
    expect(store.listArchitectures({ family: 'vae' }).map((a) => a.name)).toEqual(['my-vae']);
    expect(store.listArchitectures({ family: 'classifier' }).map((a) => a.name)).toEqual(['clf']);

    const versions = store.listArchitectureVersions(v1.id);
    expect(versions).toEqual([
      { id: v1.id, name: 'my-vae', family: 'vae', version: 2, createdAt: 5_001, note: null, forkOf: null, runCount: 0 },
      { id: v1.id, name: 'my-vae', family: 'vae', version: 1, createdAt: 5_000, note: 'first cut', forkOf: null, runCount: 0 },
    ]);
    expect(versions[0]).not.toHaveProperty('architecture');
    expect(store.listArchitectureVersions(9999)).toEqual([]);
  });

  it('keeps a name to one family: another family under it is refused, and nothing is written', () => {
    const vae = store.saveArchitecture({ name: 'net', family: 'vae', architecture: sampleModel('net') });
    const e = refusal(() => store.saveArchitecture({ name: 'net', family: 'gan', architecture: sampleModel('net', 'gan') }));
    expect(e.reason).toBe('family-mismatch');
    expect(e.message).toBe('The architecture "net" is a vae architecture: a gan version cannot be saved under its name (save it under another name; an architecture\'s versions all have one family)');
    // An autoencoder has the same parts as a VAE, but it is another family all the same.
    expect(() => store.saveArchitecture({ name: 'net', family: 'autoencoder', architecture: sampleModel('net', 'autoencoder') })).toThrow(/is a vae architecture/);
    expect(store.listArchitectureVersions(vae.id)).toHaveLength(1);
    expect(store.saveArchitecture({ name: 'net', family: 'vae', architecture: sampleModel('net') }).version).toBe(2);
  });

  it('refuses a family that has no saved architectures (PCA, or one the registry does not know), naming the ones that do', () => {
    for (const family of ['pca', 'quantum', '']) {
      const e = refusal(() => store.saveArchitecture({ name: 'x', family: family as 'vae', architecture: sampleModel('x') }));
      expect(e.reason).toBe('unknown-family');
      expect(e.message).toBe(`"${family}" is not a family with saved architectures: it must be one of 'classifier', 'autoencoder', 'vae', 'gan', 'sequence'`);
    }
    expect(store.listArchitectures()).toEqual([]);
  });

  it('the schema itself refuses a second family, a long note and a half-set parent (family names are the store\'s to check)', () => {
    const vae = store.saveArchitecture({ name: 'net', family: 'vae', architecture: sampleModel('net') });
    expect(() => store.saveArchitecture({ name: 'n2', family: 'vae', architecture: sampleModel('n2'), note: 'x'.repeat(501) })).toThrow(/at most 500/);
    expect(store.saveArchitecture({ name: 'n2', family: 'vae', architecture: sampleModel('n2'), note: 'x'.repeat(500) }).note).toHaveLength(500);
    store.close();
    const raw = new Database(store.path);
    try {
      raw.pragma('foreign_keys = ON');
      const insert = raw.prepare(`INSERT INTO architecture_versions (architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at)
                                  VALUES (?, ?, ?, '{}', ?, ?, ?, 1)`);
      expect(() => insert.run(vae.id, 2, 'gan', null, null, null)).toThrow(/family mismatch/);
      const fresh = Number(raw.prepare("INSERT INTO architectures (name, created_at) VALUES ('fresh', 1)").run().lastInsertRowid);
      // No CHECK on family names (a new family needs no table rebuild): the store refuses what the registry does not list.
      expect(() => insert.run(fresh, 1, 'rbm', null, null, null)).not.toThrow();
      expect(() => insert.run(vae.id, 2, 'vae', 'x'.repeat(501), null, null)).toThrow(/CHECK/);
      expect(() => insert.run(vae.id, 2, 'vae', null, vae.id, null)).toThrow(/CHECK/);
      expect(() => insert.run(vae.id, 2, 'vae', null, vae.id, 7)).toThrow(/FOREIGN KEY/);
    } finally {
      raw.close();
    }
    store = openStore(store.path);
  });

  it('records the parent of a fork, and refuses a fork of a version that does not exist', () => {
    const base = store.saveArchitecture({ name: 'base', family: 'gan', architecture: sampleModel('base', 'gan') });
    store.saveArchitecture({ name: 'base', family: 'gan', architecture: sampleModel('base 2', 'gan') });
    const fork = store.saveArchitecture({ name: 'fork', family: 'gan', architecture: sampleModel('fork', 'gan'), forkOf: { id: base.id, version: 1 }, note: 'from v1' });
    expect(fork).toMatchObject({ name: 'fork', version: 1, forkOf: { id: base.id, version: 1 }, note: 'from v1' });
    expect(store.getArchitecture(fork.id)?.forkOf).toEqual({ id: base.id, version: 1 });
    expect(store.listArchitectureVersions(fork.id)[0]?.forkOf).toEqual({ id: base.id, version: 1 });
    // A later version of the fork is not itself a fork unless it says so.
    expect(store.saveArchitecture({ name: 'fork', family: 'gan', architecture: sampleModel('fork', 'gan') }).forkOf).toBeNull();

    const e = refusal(() => store.saveArchitecture({ name: 'orphan', family: 'gan', architecture: sampleModel('o', 'gan'), forkOf: { id: base.id, version: 9 } }));
    expect(e.reason).toBe('no-fork-parent');
    expect(e.message).toMatch(new RegExp(`Architecture ${base.id} version 9 does not exist`));
    expect(store.listArchitectures().map((a) => a.name)).toEqual(['base', 'fork']);
  });

  it('counts the runs that trained each version', () => {
    const exp = store.ensureExperiment('Default');
    const v1 = store.saveArchitecture({ name: 'clf', family: 'classifier', architecture: sampleGraph('clf') });
    const v2 = store.saveArchitecture({ name: 'clf', family: 'classifier', architecture: sampleGraph('clf', 20) });
    store.createRun(sampleRun(exp.id, { architectureId: v1.id, architectureVersion: 1 }));
    store.createRun(sampleRun(exp.id, { architectureId: v1.id, architectureVersion: 2 }));
    store.createRun(sampleRun(exp.id, { architectureId: v1.id, architectureVersion: 2 }));
    store.createRun(sampleRun(exp.id));
    expect(store.listArchitectureVersions(v1.id).map((v) => [v.version, v.runCount])).toEqual([[2, 2], [1, 1]]);
    expect(store.getArchitecture(v2.id)?.runCount).toBe(2);
    expect(store.getArchitecture(v1.id, 1)?.runCount).toBe(1);
    expect(store.listArchitectures()[0]?.runCount).toBe(2);
  });
});
