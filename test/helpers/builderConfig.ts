/**
 * electron-builder.yml as data, for the packaging tests: the unit test validates it against
 * electron-builder's own JSON schema, the integration test packs the app with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from './tempDir';

export const builderConfigPath = path.join(repoRoot, 'electron-builder.yml');

/** The schema electron-builder itself checks a configuration against before building. */
export const builderSchemaPath = path.join(repoRoot, 'node_modules', 'app-builder-lib', 'scheme.json');

export type BuilderConfig = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseBuilderConfig(text: string): BuilderConfig {
  const parsed: unknown = load(text);
  if (!isRecord(parsed)) throw new Error('electron-builder.yml is not a mapping');
  return parsed;
}

export function readBuilderConfig(): BuilderConfig {
  return parseBuilderConfig(fs.readFileSync(builderConfigPath, 'utf8'));
}

/** A nested mapping of the configuration (`mac`, `electronFuses`, …), or a thrown error naming it. */
export function section(config: BuilderConfig, key: string): Record<string, unknown> {
  const value = config[key];
  if (!isRecord(value)) throw new Error(`electron-builder.yml has no '${key}' mapping`);
  return value;
}

/** A list of strings of the configuration (`files`, `asarUnpack`). */
export function stringList(config: BuilderConfig, key: string): string[] {
  const value = config[key];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new Error(`electron-builder.yml's '${key}' is not a list of strings`);
  return value;
}
