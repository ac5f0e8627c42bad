/**
 * What a slow WebSocket client may lose (issue 16 point 11): when it cannot
 * keep up, it is sent only the latest value per (event, run, key) rather than
 * every event. This splits an event into those keyed parts: a metrics batch
 * into one part per metric key (its last point), everything else whole,
 * keyed by the run (or import) it is about.
 */
import type { ApiEventName } from '../common/api';
import type { WireEvent } from '../common/wire';

/** WireEvent as a union of (event, payload) pairs, so a switch on `event` narrows `payload`. */
type TaggedEvent = { [E in ApiEventName]: WireEvent<E> }[ApiEventName];

export interface KeyedEvent {
  /** Two parts with the same key: the later one replaces the earlier. */
  key: string;
  message: WireEvent;
}

/** The keyed parts of one event, latest-value semantics. */
export function keyedParts(message: WireEvent): KeyedEvent[] {
  // EventBus.emit builds every message from a matching (event, payload) pair: this only restores that pairing for the type checker.
  const m = message as TaggedEvent;
  switch (m.event) {
    case 'runs.onDidLogMetrics': {
      const p = m.payload;
      const last = new Map<string, (typeof p.points)[number]>();
      for (const point of p.points) last.set(point.key, point);
      return [...last.values()].map((point) => ({
        key: `${m.event}|${p.runId}|${point.key}`,
        message: { event: 'runs.onDidLogMetrics', payload: { runId: p.runId, points: [point] } },
      }));
    }
    case 'runs.onDidChange': return [{ key: `${m.event}|${m.payload.id}`, message: m }];
    case 'runs.onDidDelete': return [{ key: `${m.event}|${m.payload.id}`, message: m }];
    case 'runs.onDidProgress': return [{ key: `${m.event}|${m.payload.runId}`, message: m }];
    case 'runs.onDidLog': return [{ key: `${m.event}|${m.payload.runId}`, message: m }];
    case 'artifacts.onDidAdd': {
      const a = m.payload;
      return [{ key: `${m.event}|${a.runId}|${a.kind}`, message: m }];
    }
    case 'datasets.onDidImportProgress': {
      const p = m.payload;
      return [{ key: `${m.event}|${p.target}|${p.name}`, message: m }];
    }
  }
}
