/**
 * Timers as a dependency (STYLE rule 3): the relay and the trail scheduler take the clock and the timers they
 * wait on, so tests drive them with a fake clock instead of sleeping.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Node's timers, unref'd: a pending retry never keeps a stopping process alive. */
export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms)
    handle.unref()
    return handle
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout)
  },
}
