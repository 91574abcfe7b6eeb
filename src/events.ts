/**
 * The in-process event bus: facts that happened (an alert opened, a tracking node created, an excursion
 * cleared), published after the transaction that made them true has committed — not waiting for its log to be
 * on disk (ingest/group-commit.ts says why that is safe). Dashboards (the SSE stream) and the writeback relay
 * listen here. A listener that throws is isolated from the others.
 */
export interface GatewayEvent {
  /** Dotted type, e.g. `alert.opened`, `node.created`, `excursion.cleared`. */
  type: string
  [key: string]: unknown
}

export type EventListener = (event: GatewayEvent) => void

export class EventBus {
  private readonly listeners = new Set<EventListener>()

  constructor(private readonly onListenerError: (err: unknown, event: GatewayEvent) => void = () => {}) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  publish(events: readonly GatewayEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event)
        } catch (err) {
          this.onListenerError(err, event)
        }
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
