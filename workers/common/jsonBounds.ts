/**
 * Bounds for free-form JSON inside requests (a layer's params are a record of
 * unknown values, checked per kind later). Without them a client could send
 * params nested thousands of levels deep, which parse fine but overflow the
 * stack when the store serialises them (issue 16 point 7). The walk stops at
 * the first value past a bound, so it never recurses deeper than
 * `maxDepth + 1`, whatever the input.
 */

export interface JsonBounds {
  /** Objects and arrays inside one another; the record itself is level 1. */
  maxDepth: number;
  maxStringLength: number;
  maxArrayLength: number;
  maxKeys: number;
}

/** Layer params as real layers use them are flat numbers, strings and short arrays; these leave ample room. */
export const LAYER_PARAM_BOUNDS: JsonBounds = { maxDepth: 8, maxStringLength: 1000, maxArrayLength: 1000, maxKeys: 100 };

export interface JsonBoundIssue {
  /** Relative to the value checked. */
  path: (string | number)[];
  message: string;
}

/** The first place `value` exceeds `bounds`, or null when it fits. */
export function jsonBoundIssue(value: unknown, bounds: JsonBounds, path: (string | number)[] = [], depth = 1): JsonBoundIssue | null {
  if (typeof value === 'string') {
    return value.length > bounds.maxStringLength ? { path, message: `text must be at most ${bounds.maxStringLength} characters` } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth > bounds.maxDepth) return { path, message: `values may nest at most ${bounds.maxDepth} levels deep (objects and arrays)` };
  if (Array.isArray(value)) {
    if (value.length > bounds.maxArrayLength) return { path, message: `a list must have at most ${bounds.maxArrayLength} items` };
    for (let i = 0; i < value.length; i++) {
      const issue = jsonBoundIssue(value[i], bounds, [...path, i], depth + 1);
      if (issue) return issue;
    }
    return null;
  }
  const entries = Object.entries(value);
  if (entries.length > bounds.maxKeys) return { path, message: `an object must have at most ${bounds.maxKeys} keys` };
  for (const [k, v] of entries) {
    if (k.length > bounds.maxStringLength) return { path, message: `keys must be at most ${bounds.maxStringLength} characters` };
    const issue = jsonBoundIssue(v, bounds, [...path, k], depth + 1);
    if (issue) return issue;
  }
  return null;
}
