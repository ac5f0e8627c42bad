/**
 * Sending events to one WebSocket client with backpressure (issue 16 point
 * 11). While the client keeps up, every event is sent. Once the bytes queued
 * for it (ws.bufferedAmount) pass `limit`, nothing more is written to it:
 * events are kept latest-value-only per (event, run, key) (eventCoalescing.ts)
 * and sent when it has drained below the limit, checked every `pollMs`. So a
 * stalled client holds at most `limit` plus one message in the socket, and
 * one message per key in `pending`, however many events are emitted.
 */
import type { WebSocket } from 'ws';
import type { WireEvent } from '../common/wire';
import { keyedParts } from './eventCoalescing';

/** 4 MB: far above a live chart's rate (a few KB/s per run), far below what would strain the server. */
export const WS_BUFFER_LIMIT = 4 * 1024 * 1024;

export interface ClientSendStats {
  /** Bytes queued for the client now. */
  bufferedAmount: number;
  /** Keyed events waiting for the client to drain. */
  pending: number;
  /** Keyed values (a metrics batch counts one per key) not sent because a later value of the same key replaced them. */
  dropped: number;
  /** The most bytes ever queued for the client. */
  maxBufferedAmount: number;
}

export class ClientSender {
  private readonly pending = new Map<string, string>();
  private dropped = 0;
  private maxBuffered = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ws: WebSocket, private readonly limit = WS_BUFFER_LIMIT, private readonly pollMs = 50) {}

  /** `text` is `message` serialised (once for all clients). */
  send(message: WireEvent, text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.pending.size === 0 && this.ws.bufferedAmount <= this.limit) {
      this.write(text);
      return;
    }
    for (const part of keyedParts(message)) {
      // Re-inserted at the end: keys are flushed in the order of their latest value.
      if (this.pending.delete(part.key)) this.dropped++;
      this.pending.set(part.key, JSON.stringify(part.message));
    }
    this.timer ??= setInterval(() => this.flush(), this.pollMs);
    this.timer.unref();
  }

  stats(): ClientSendStats {
    return { bufferedAmount: this.ws.bufferedAmount, pending: this.pending.size, dropped: this.dropped, maxBufferedAmount: this.maxBuffered };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private write(text: string): void {
    this.ws.send(text);
    this.maxBuffered = Math.max(this.maxBuffered, this.ws.bufferedAmount);
  }

  private flush(): void {
    if (this.ws.readyState !== this.ws.OPEN) { this.close(); return; }
    for (const [key, text] of this.pending) {
      if (this.ws.bufferedAmount > this.limit) return;
      this.pending.delete(key);
      this.write(text);
    }
    this.close();
  }
}
