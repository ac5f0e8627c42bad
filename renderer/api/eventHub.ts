import type { ApiEventName, ApiEvents } from '../../main/common/api';
import type { WireEvent } from '../../main/common/wire';

type AnyListener = (payload: never) => void;

/** Fans events from one transport out to any number of listeners. */
export class EventHub {
  private readonly listeners = new Map<ApiEventName, Set<AnyListener>>();

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => { set.delete(listener as AnyListener); };
  }

  dispatch(message: WireEvent): void {
    const set = this.listeners.get(message.event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: unknown) => void)(message.payload);
      } catch (err) {
        console.error(`listener for ${message.event} failed`, err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** A tiny typed signal for the client's own notifications (connection, reconnect). */
export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        console.error('listener failed', err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
