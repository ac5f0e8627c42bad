/** Schema issues as the API and CLI carry them: an unknown key is named unambiguously, whatever characters it holds. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssue, toIssues } from '../../../workers/common/runConfigBase';
import { ApiError, parseRequest } from '../../../main/common/api';

function issuesOf(schema: z.ZodType, raw: unknown): string[] {
  const r = schema.safeParse(raw);
  if (r.success) throw new Error('expected a refusal');
  return toIssues(r.error).map(formatIssue);
}

describe('toIssues', () => {
  const strict = z.object({ a: z.number().optional(), inner: z.object({}).strict().optional() }).strict();

  it('keeps an ordinary unknown key as zod words it', () => {
    expect(issuesOf(strict, { pinned: true })).toEqual(['Unrecognized key: "pinned"']);
    expect(issuesOf(strict, { x: 1, y: 2 })).toEqual(['Unrecognized keys: "x", "y"']);
  });

  // Found by test/integration/apiFuzz.test.ts (seed 16): zod printed the key `"` as `"""`.
  it('quotes keys holding quotes, backslashes, newlines or nothing as JSON strings', () => {
    expect(issuesOf(strict, { '"': 0 })).toEqual(['Unrecognized key: "\\""']);
    expect(issuesOf(strict, { '\\': 0, '': 0 })).toEqual(['Unrecognized keys: "\\\\", ""']);
    expect(issuesOf(strict, { inner: { 'a\nb': 1 } })).toEqual(['inner: Unrecognized key: "a\\nb"']);
  });

  it('carries the quoted key into an API refusal', () => {
    try {
      parseRequest('runs.get', { id: 1, '"': 2 });
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).message).toBe('Invalid request for runs.get: Unrecognized key: "\\""');
    }
  });

  it('names the request body when it is not an object (no field to name)', () => {
    const messageOf = (raw: unknown): string => {
      try {
        parseRequest('runs.get', raw);
      } catch (e) {
        if (e instanceof ApiError) return e.message;
      }
      return 'accepted';
    };
    expect(messageOf([1])).toBe('Invalid request for runs.get: the request body must be a JSON object of named fields, not a list');
    expect(messageOf('id=1')).toBe('Invalid request for runs.get: the request body must be a JSON object of named fields, not text');
    expect(messageOf(7)).toBe('Invalid request for runs.get: the request body must be a JSON object of named fields, not a number');
    expect(messageOf({})).toBe('Invalid request for runs.get: id: id must be a number');
  });
});
