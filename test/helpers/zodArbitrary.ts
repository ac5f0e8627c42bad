/**
 * fast-check arbitraries for fuzzing an API method from its zod request
 * schema: "near-valid" bodies (the schema's own keys, values of the right kind
 * around the schema's bounds) in which one field is often broken (a wrong
 * type, out of range, huge, deeply nested, odd unicode, a NaN-ish string, a
 * missing or an unknown key). Walking the schema reaches the deep fields
 * (a run config's hyperparameters, a layer's params) that random JSON never does.
 */
import fc from 'fast-check';
import { z } from 'zod';

/** Per key name: values used instead of what the schema would produce (a key whose real values are unsafe here, e.g. a file path). */
export type Overrides = Readonly<Record<string, fc.Arbitrary<unknown>>>;

/** JSON nested `depth` deep (arrays and objects alternating), as a value: what stack-overflow bugs need. */
export function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Values no field should take without a clear refusal. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -0, -1, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 31, -(2 ** 31) - 1,
    '', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '__proto__', 'constructor', '\u0000', '\uD800',
    '😀'.repeat(300), 'é'.repeat(5000), 'x'.repeat(20_001), [], {}, [[[[[]]]]], { __proto__: null, toString: 1 },
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 9, max: 3000 }).map(nested),
  fc.constantFrom<unknown>(Array.from({ length: 1001 }, (_, i) => i + 1), Array.from({ length: 100_001 }, () => 'k'), Array.from({ length: 300 }, () => ({}))),
);

/** Key names that have broken JavaScript servers (prototype keys) or messages (empty, quotes). */
const oddKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', '"', '\\', 'a.b', '\n'));

function stringArb(s: z.ZodString): fc.Arbitrary<unknown> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 64;
  const edges = [min > 0 ? 'y'.repeat(min - 1) : null, 'y'.repeat(Math.min(max, 5000)), 'y'.repeat(Math.min(max + 1, 5001))];
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, Math.min(max, 24)) }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
    // Ids of built-in and missing records, for the string ids (datasets, corpora, presets).
    { weight: 1, arbitrary: fc.constantFrom('mnist', 'builtin', 'tiny-shakespeare', 'missing-id', 'Mnist', 'mnist ') },
  );
}

function numberArb(n: z.ZodNumber): fc.Arbitrary<unknown> {
  const lo = Number.isFinite(n.minValue ?? NaN) ? n.minValue! : -1e6;
  const hi = Number.isFinite(n.maxValue ?? NaN) ? n.maxValue! : 1e6;
  const inRange = n.isInt
    ? fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) })
    : fc.double({ min: lo, max: hi, noNaN: true });
  // The bottom of an int range often: ids 1–4 name the records a test made, not only missing ones.
  const low = n.isInt ? fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, Math.max(lo, -(2 ** 31)) + 3) }) : inRange;
  return fc.oneof({ weight: 3, arbitrary: inRange }, { weight: 2, arbitrary: low }, { weight: 1, arbitrary: fc.constantFrom(lo, hi, lo - 1, hi + 1, lo + 0.5) });
}

function objectArb(o: z.ZodObject, depth: number, ov: Overrides): fc.Arbitrary<unknown> {
  const keys = Object.keys(o.shape);
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) fields[k] = ov[k] ?? schemaArb(o.shape[k]!, depth - 1, ov);
  const record = fc.record(fields);
  if (keys.length === 0) return fc.oneof(record, fc.dictionary(oddKey, badValue, { maxKeys: 2 }));
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('bad' as const), key: fc.constantFrom(...keys), value: badValue }),
    fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
    fc.record({ kind: fc.constant('extra' as const), key: oddKey, value: fc.jsonValue({ maxDepth: 2 }) }),
  );
  return fc.tuple(record, fc.option(mutation, { freq: 2 })).map(([r, m]) => {
    const out: Record<string, unknown> = { ...r };
    if (m?.kind === 'bad' || m?.kind === 'extra') Object.defineProperty(out, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    if (m?.kind === 'drop') delete out[m.key];
    return out;
  });
}

/**
 * Values shaped by `schema`: mostly of the right kind, sometimes a badValue in
 * any position. `depth` bounds recursion (lazy and recursive schemas).
 */
export function schemaArb(schema: z.ZodType, depth = 8, ov: Overrides = {}): fc.Arbitrary<unknown> {
  if (depth <= 0) return badValue;
  const shaped = shapedArb(schema, depth, ov);
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: badValue });
}

function shapedArb(s: z.ZodType, depth: number, ov: Overrides): fc.Arbitrary<unknown> {
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) return fc.option(schemaArb(s.unwrap() as z.ZodType, depth, ov), { nil: undefined, freq: 3 });
  if (s instanceof z.ZodNullable) return fc.option(schemaArb(s.unwrap() as z.ZodType, depth, ov), { nil: null, freq: 3 });
  if (s instanceof z.ZodReadonly || s instanceof z.ZodCatch) return schemaArb(s.unwrap() as z.ZodType, depth, ov);
  if (s instanceof z.ZodLazy) return schemaArb(s.unwrap() as z.ZodType, depth - 1, ov);
  // A preprocess (a pipe from a transform) accepts what its output schema accepts: shape values for that.
  if (s instanceof z.ZodPipe) return schemaArb((s.in instanceof z.ZodTransform ? s.out : s.in) as z.ZodType, depth, ov);
  if (s instanceof z.ZodObject) return objectArb(s, depth, ov);
  if (s instanceof z.ZodUnion) return fc.oneof(...s.options.map((o) => schemaArb(o as z.ZodType, depth, ov)));
  if (s instanceof z.ZodArray) return fc.array(schemaArb(s.element as z.ZodType, depth - 1, ov), { maxLength: 5 });
  if (s instanceof z.ZodTuple) return fc.tuple(...s.def.items.map((i) => schemaArb(i as z.ZodType, depth - 1, ov)));
  if (s instanceof z.ZodRecord) return fc.dictionary(oddKey, schemaArb(s.valueType as z.ZodType, depth - 1, ov), { maxKeys: 3 });
  if (s instanceof z.ZodString) return stringArb(s);
  if (s instanceof z.ZodNumber) return numberArb(s);
  if (s instanceof z.ZodBoolean) return fc.boolean();
  if (s instanceof z.ZodEnum) return fc.constantFrom(...s.options);
  if (s instanceof z.ZodLiteral) return fc.constantFrom(...s.values);
  return fc.jsonValue({ maxDepth: 3 });
}
