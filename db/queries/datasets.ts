/** Imported datasets: one row each; their files live in <data>/datasets/<id>/. */
import type { RunStatus } from '../../main/common/domain';
import type { Db } from '../sqlite';
import type { DatasetRecord, ImportedDatasetKind, NewDataset } from '../storeTypes';
import { statement } from './statements';

interface DatasetRow {
  id: string;
  name: string;
  kind: ImportedDatasetKind;
  source_path: string;
  height: number;
  width: number;
  channels: number;
  num_classes: number;
  class_names: string;
  train_size: number;
  test_size: number;
  content_hash: string;
  test_fraction: number | null;
  split_seed: number | null;
  notes: string;
  created_at: number;
}

const COLUMNS = `id, name, kind, source_path, height, width, channels, num_classes, class_names, train_size, test_size,
  content_hash, test_fraction, split_seed, notes, created_at`;

function parseClassNames(text: string, id: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`Stored class names of dataset ${id} are not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`Stored class names of dataset ${id} are not a list of strings`);
  return value as string[];
}

function toRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    sourcePath: row.source_path,
    inputShape: [row.height, row.width, row.channels],
    numClasses: row.num_classes,
    classNames: parseClassNames(row.class_names, row.id),
    trainSize: row.train_size,
    testSize: row.test_size,
    contentHash: row.content_hash,
    testFraction: row.test_fraction,
    splitSeed: row.split_seed,
    notes: row.notes,
    createdAt: row.created_at,
  };
}

export function createDataset(db: Db, d: NewDataset, at: number): DatasetRecord {
  const [height, width, channels] = d.inputShape;
  statement<[string, string, string, string, number, number, number, number, string, number, number, string, number | null, number | null, string, number]>(db,
    `INSERT INTO datasets (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(d.id, d.name, d.kind, d.sourcePath, height, width, channels, d.numClasses, JSON.stringify(d.classNames),
      d.trainSize, d.testSize, d.contentHash, d.testFraction, d.splitSeed, d.notes, at);
  const row = getDataset(db, d.id);
  if (!row) throw new Error(`dataset ${d.id} vanished after insert`);
  return row;
}

export function getDataset(db: Db, id: string): DatasetRecord | undefined {
  const row = statement<[string], DatasetRow>(db, `SELECT ${COLUMNS} FROM datasets WHERE id = ?`).get(id);
  return row ? toRecord(row) : undefined;
}

export function listDatasets(db: Db): DatasetRecord[] {
  return statement<[], DatasetRow>(db, `SELECT ${COLUMNS} FROM datasets ORDER BY created_at, id`).all().map(toRecord);
}

/** Replaces an imported dataset's class names (its files, and so its content hash, are unchanged); false when there is no such dataset. */
export function setDatasetClassNames(db: Db, id: string, classNames: readonly string[]): boolean {
  return statement<[string, string]>(db, 'UPDATE datasets SET class_names = ? WHERE id = ?').run(JSON.stringify(classNames), id).changes > 0;
}

export function deleteDataset(db: Db, id: string): boolean {
  return statement<[string]>(db, 'DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
}

export function runsUsingDataset(db: Db, id: string): { id: number; status: RunStatus }[] {
  return statement<[string], { id: number; status: RunStatus }>(db, 'SELECT id, status FROM runs WHERE dataset_id = ? ORDER BY id').all(id);
}
