/** A typed in-process event bus: services emit, transports forward to windows. */
import type { ApiEventName, ApiEvents } from '../common/api';
import type { WireEvent } from '../common/wire';

export type EventListener = (message: WireEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    const message = { event, payload } as WireEvent;
    for (const l of [...this.listeners]) {
      try { l(message); } catch { /* a broken listener must not stop the others */ }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Typed subscription to one event. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.subscribe((m) => { if (m.event === event) listener(m.payload as ApiEvents[E]); });
  }
}
