/**
 * JSON columns: written by the store itself. Run configs are upgraded and
 * parsed with the run config schema when read back; the rest is checked lightly.
 */
import type { Architecture, GraphDocument } from '../../workers/common/graph';
import type { RunConfig } from '../../workers/common/families/registry';
import { readStoredRunConfig } from '../../workers/common/runConfigVersion';

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

/**
 * A run's stored config, upgraded from the version it was written in and
 * parsed; or why it cannot be read (not JSON, a newer version, a family or
 * field this app does not know). Never throws: one unreadable row must not
 * stop the others from being listed.
 */
export function readRunConfig(text: string, version: number): { config: RunConfig } | { error: string } {
  try {
    return { config: readStoredRunConfig(parse(text, 'run config'), version) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
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
