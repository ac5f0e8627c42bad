import { apiEventNames, type ApiErrorPayload } from '../../main/common/api';
import type { WireEvent, WireResult } from '../../main/common/wire';

const errorCodes: readonly ApiErrorPayload['code'][] = ['bad-request', 'not-found', 'conflict', 'internal', 'unauthorized'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isErrorPayload(v: unknown): v is ApiErrorPayload {
  return isRecord(v)
    && typeof v['code'] === 'string'
    && (errorCodes as readonly string[]).includes(v['code'])
    && typeof v['message'] === 'string'
    && (v['issues'] === undefined || (Array.isArray(v['issues']) && v['issues'].every(isIssue)));
}

function isIssue(v: unknown): boolean {
  return isRecord(v) && typeof v['message'] === 'string' && Array.isArray(v['path']) && v['path'].every((p) => typeof p === 'string')
    && (v['span'] === undefined || isSpan(v['span']));
}

/** An issue's optional place in its field's text (a runs filter's bad token). */
function isSpan(v: unknown): boolean {
  return isRecord(v) && typeof v['start'] === 'number' && typeof v['end'] === 'number';
}

/** Checks the envelope only: the result itself is trusted to match the contract. */
export function isWireResult(v: unknown): v is WireResult<unknown> {
  if (!isRecord(v)) return false;
  if (v['ok'] === true) return 'result' in v;
  if (v['ok'] === false) return isErrorPayload(v['error']);
  return false;
}

export function isWireEvent(v: unknown): v is WireEvent {
  return isRecord(v) && typeof v['event'] === 'string' && (apiEventNames as readonly string[]).includes(v['event']) && 'payload' in v;
}
