/**
 * The one client instance of this page. Stores get it from here; a test can
 * put a fake in its place with setApiClient before the stores are created.
 */
import { createApiClient, type WorkbenchClient } from './apiClient';

export { createApiClient } from './apiClient';
export type { ConnectionState, TransportKind, WorkbenchClient } from './apiClient';
export { ApiCallError, errorMessage } from './apiCallError';

let client: WorkbenchClient | null = null;

export function getApiClient(): WorkbenchClient {
  client ??= createApiClient();
  return client;
}

export function setApiClient(next: WorkbenchClient | null): void {
  if (client && client !== next) client.dispose();
  client = next;
}
