/** JSON columns: written by the store itself, checked lightly when read back. */
import type { Architecture, GraphDocument } from '../../workers/common/graph';
import type { RunConfig } from '../../workers/common/runConfig';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(text: string, what: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch (err) {
    throw new Error(`Stored ${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export function parseRecord(text: string, what: string): Record<string, unknown> {
  const value = parse(text, what);
  if (!isRecord(value)) throw new Error(`Stored ${what} is not a JSON object`);
  return value;
}

export function parseRunConfig(text: string): RunConfig {
  const value = parseRecord(text, 'run config');
  if (typeof value['family'] !== 'string') throw new Error('Stored run config has no family');
  return value as unknown as RunConfig;
}

export function parseGraph(text: string): GraphDocument {
  const value = parseRecord(text, 'architecture graph');
  if (!Array.isArray(value['nodes']) || !Array.isArray(value['edges'])) {
    throw new Error('Stored architecture graph has no nodes or edges');
  }
  return value as unknown as GraphDocument;
}

/** A run's architecture: one graph, or a model document of named graph parts. */
export function parseArchitecture(text: string): Architecture {
  const value = parseRecord(text, 'architecture');
  if (value['format'] === 'latent-model') {
    const parts = value['parts'];
    if (typeof parts !== 'object' || parts === null) throw new Error('Stored model architecture has no parts');
    return value as unknown as Architecture;
  }
  return parseGraph(text);
}
