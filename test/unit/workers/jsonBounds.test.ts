/** Free-form JSON bounds (layer params): depth, text, list and key-count limits, each named by path. */
import { describe, expect, it } from 'vitest';
import { jsonBoundIssue, type JsonBounds } from '../../../workers/common/jsonBounds';
import { graphNodeSchema } from '../../../workers/common/graph';

const bounds: JsonBounds = { maxDepth: 3, maxStringLength: 5, maxArrayLength: 2, maxKeys: 2 };

/** `{a:{a:…{a:1}}}` with `levels` objects. */
function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('jsonBoundIssue', () => {
  it('accepts values within every bound', () => {
    expect(jsonBoundIssue(nested(3), bounds)).toBeNull();
    expect(jsonBoundIssue({ s: 'abcde', l: [1, 2] }, bounds)).toBeNull();
  });

  it('names the first value nested past the depth', () => {
    expect(jsonBoundIssue(nested(4), bounds)).toEqual({ path: ['a', 'a', 'a'], message: 'values may nest at most 3 levels deep (objects and arrays)' });
    expect(jsonBoundIssue({ x: [[[]]] }, bounds)?.path).toEqual(['x', 0, 0]);
  });

  it('bounds text, lists, keys and key names', () => {
    expect(jsonBoundIssue({ s: 'abcdef' }, bounds)).toEqual({ path: ['s'], message: 'text must be at most 5 characters' });
    expect(jsonBoundIssue({ l: [1, 2, 3] }, bounds)).toEqual({ path: ['l'], message: 'a list must have at most 2 items' });
    expect(jsonBoundIssue({ a: 1, b: 2, c: 3 }, bounds)).toEqual({ path: [], message: 'an object must have at most 2 keys' });
    expect(jsonBoundIssue({ abcdef: 1 }, bounds)).toEqual({ path: [], message: 'keys must be at most 5 characters' });
  });

  it('stops at the bound on a value thousands of levels deep (no recursion to the bottom)', () => {
    expect(jsonBoundIssue(nested(100_000), bounds)?.path).toHaveLength(3);
  });
});

describe('layer params in the graph schema', () => {
  it('refuses params nested past 8 levels, naming the field', () => {
    const r = graphNodeSchema.safeParse({ id: 'd', kind: 'dense', params: { units: 4, extra: nested(8) } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['params', 'extra', 'a', 'a', 'a', 'a', 'a', 'a', 'a']);
    expect(r.error?.issues[0]?.message).toBe('layer params: values may nest at most 8 levels deep (objects and arrays)');
    expect(graphNodeSchema.safeParse({ id: 'd', kind: 'dense', params: { units: 4, extra: nested(7) } }).success).toBe(true);
  });
});
