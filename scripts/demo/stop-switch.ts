/**
 * One switch that every reason to stop flips: Ctrl-C (SIGINT), SIGTERM, a closed terminal (SIGHUP), the end of
 * `--duration`, a part that failed. The first reason wins; the demo then stops the parts in order, once.
 */

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export class StopSwitch {
  reason: string | null = null
  /** True when the reason is a failure (the demo then exits 1). */
  failed = false
  readonly flipped: Promise<string>
  private resolve: (reason: string) => void = () => {}

  constructor() {
    this.flipped = new Promise((r) => {
      this.resolve = r
    })
  }

  /** Flips the switch; false when it was already flipped. */
  flip(reason: string, failed = false): boolean {
    if (this.reason !== null) return false
    this.reason = reason
    this.failed = failed
    this.resolve(reason)
    return true
  }

  /** Signals flip the switch; a repeated one only calls `onRepeat`. Returns the uninstaller. */
  onSignals(onRepeat: (signal: string) => void): () => void {
    const handlers = signals.map((signal) => {
      const handler = () => {
        if (!this.flip(signal)) onRepeat(signal)
      }
      process.on(signal, handler)
      return [signal, handler] as const
    })
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    }
  }

  /** Flips after `ms` (unless flipped before); the timer never keeps the process alive. */
  after(ms: number, reason: string): void {
    setTimeout(() => this.flip(reason), ms).unref()
  }
}
