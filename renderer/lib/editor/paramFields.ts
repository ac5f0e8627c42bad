/**
 * The property panel's fields for a layer kind, read off the kind's param
 * schema in workers/common/layers.ts (through zod's JSON Schema), so every
 * parameter the trainer knows has a typed field with its default and bounds,
 * and no second list can drift from the schema. Text typed in a field turns
 * into a param value here; what it means is checked by the schema (the
 * node's bad-params error), not re-implemented.
 */
import { z } from 'zod';
import { isLayerKind, layerParamSchemas } from '../../../workers/common/layers';

export type ParamFieldControl = 'number' | 'integer' | 'boolean' | 'choice' | 'text' | 'list' | 'pair';

export interface ParamField {
  key: string;
  control: ParamFieldControl;
  /** The value used when the node does not set it. */
  defaultValue?: unknown;
  required: boolean;
  options?: string[];
  min?: number;
  max?: number;
  /** A short description of the accepted values ("whole number ≥ 1", "n or h, w"). */
  hint: string;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const cache = new Map<string, ParamField[]>();

function bounds(s: JsonSchema): string {
  const parts: string[] = [];
  const big = 9_007_199_254_740_991;
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum < big) parts.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  return parts.join(', ');
}

function describe(key: string, s: JsonSchema, required: boolean): ParamField {
  const base = { key, required, defaultValue: s.default };
  if (s.enum) return { ...base, control: 'choice', options: s.enum.map(String), hint: 'one of the choices' };
  if (s.anyOf && s.anyOf.some((a) => a.type === 'array') && s.anyOf.some((a) => a.type === 'integer' || a.type === 'number')) {
    const n = s.anyOf.find((a) => a.type === 'integer' || a.type === 'number')!;
    return { ...base, control: 'pair', hint: `n, or h, w${bounds(n) ? ` (each ${bounds(n)})` : ''}` };
  }
  if (s.type === 'array') {
    const item = (s.items || s.prefixItems?.[0]) as JsonSchema | undefined;
    return { ...base, control: 'list', hint: `sizes separated by commas${item && bounds(item) ? ` (each ${bounds(item)})` : ''}` };
  }
  if (s.type === 'boolean') return { ...base, control: 'boolean', hint: '' };
  if (s.type === 'integer' || s.type === 'number') {
    const field: ParamField = { ...base, control: s.type, hint: [s.type === 'integer' ? 'whole number' : 'number', bounds(s)].filter(Boolean).join(' ') };
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum ?? s.exclusiveMaximum;
    if (min !== undefined) field.min = min;
    if (max !== undefined && max < 9_007_199_254_740_991) field.max = max;
    return field;
  }
  return { ...base, control: 'text', hint: '' };
}

/** The fields of a layer kind's parameters, in the schema's order. */
export function paramFields(kind: string): ParamField[] {
  const hit = cache.get(kind);
  if (hit) return hit;
  if (!isLayerKind(kind)) return [];
  const json = z.toJSONSchema(layerParamSchemas[kind], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(json.required ?? []);
  const fields = Object.entries(json.properties ?? {}).map(([key, s]) => describe(key, s, required.has(key) && s.default === undefined));
  cache.set(kind, fields);
  return fields;
}

/** A param value as its field shows it. */
export function formatParamValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/**
 * The param value for text typed in a field: undefined (unset: the default
 * applies) for empty text; numbers and lists of numbers when the text reads
 * as such; otherwise the text itself, which the schema then refuses with a
 * message that names the parameter.
 */
export function parseParamText(field: ParamField, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  switch (field.control) {
    case 'number':
    case 'integer': {
      const n = Number(t);
      return Number.isFinite(n) ? n : t;
    }
    case 'pair':
    case 'list': {
      const items = t.split(/[\s,×x]+/).filter(Boolean).map(Number);
      if (items.some((n) => !Number.isFinite(n))) return t;
      if (field.control === 'pair' && items.length === 1) return items[0];
      return items;
    }
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : t;
    default:
      return t;
  }
}

/** The node's params with one field changed (unset when `value` is undefined). */
export function withParam(params: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const next = { ...params };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}
