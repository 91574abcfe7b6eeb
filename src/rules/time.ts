/**
 * "No time yet" in the time fields written on every reading (`prevTs`, `newestTs`), which hold numbers only:
 * V8 then keeps each one as a double updated in place, where a field that ever held null boxes every new
 * timestamp in a fresh heap object that the long-lived state keeps alive past the next young-generation GC.
 * It is JSON-exact (NaN and Infinity are not) and before every instant a Date can hold (±8.64e15 ms), so before
 * every device time the engine can report. Read through `timeOrNull` wherever a time leaves the engine.
 */
export const NO_TIME = Number.MIN_SAFE_INTEGER

/** A time field as the engine's outputs present it: null for `NO_TIME`. */
export function timeOrNull(ts: number): number | null {
  return ts === NO_TIME ? null : ts
}
