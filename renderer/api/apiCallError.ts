import type { ApiErrorPayload, Issue } from '../../main/common/api';

/** `network`: the server could not be reached or answered something that is not the wire format. */
export type ApiCallErrorCode = ApiErrorPayload['code'] | 'network';

/** What every failed call rejects with, on both transports. */
export class ApiCallError extends Error {
  readonly code: ApiCallErrorCode;
  /** Schema failures, each with its path (empty when the error is not about the request). */
  readonly issues: Issue[];
  readonly method: string;

  constructor(method: string, code: ApiCallErrorCode, message: string, issues: readonly Issue[] = []) {
    super(message);
    this.name = 'ApiCallError';
    this.method = method;
    this.code = code;
    // The span stays: a runs filter's issue underlines its bad token with it.
    this.issues = issues.map((i) => (i.span ? { path: [...i.path], message: i.message, span: { start: i.span.start, end: i.span.end } } : { path: [...i.path], message: i.message }));
  }

  static fromPayload(method: string, payload: ApiErrorPayload): ApiCallError {
    return new ApiCallError(method, payload.code, payload.message, payload.issues ?? []);
  }
}

/** A readable message for any rejection, for views that show it. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
