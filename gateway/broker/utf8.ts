/**
 * A streaming UTF-8 well-formedness check over raw bytes, resumable across chunks, for the frame guard.
 * [MQTT-1.5.3-1] strings are well-formed UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF (the ranges are those of the Unicode standard, table 3-7); [MQTT-1.5.3-2] no U+0000.
 */
export class Utf8Stream {
  /** Continuation bytes still expected, and the range allowed for the next one. */
  private need = 0
  private lo = 0x80
  private hi = 0xbf

  /** Checks `buf[start..end)`; returns the index of the first offending byte (U+0000 included), or null. */
  scan(buf: Uint8Array, start: number, end: number): number | null {
    let need = this.need
    let lo = this.lo
    let hi = this.hi
    for (let i = start; i < end; i++) {
      const b = buf[i]!
      if (need > 0) {
        if (b < lo || b > hi) return i
        need--
        lo = 0x80
        hi = 0xbf
      } else if (b < 0x80) {
        if (b === 0) return i
      } else if (b >= 0xc2 && b <= 0xdf) need = 1
      else if (b === 0xe0) {
        need = 2
        lo = 0xa0
      } else if (b === 0xed) {
        need = 2
        hi = 0x9f
      } else if (b >= 0xe1 && b <= 0xef) need = 2
      else if (b === 0xf0) {
        need = 3
        lo = 0x90
      } else if (b >= 0xf1 && b <= 0xf3) need = 3
      else if (b === 0xf4) {
        need = 3
        hi = 0x8f
      } else return i
    }
    this.need = need
    this.lo = lo
    this.hi = hi
    return null
  }

  /** False while a character is incomplete: a string may not end here. */
  get atBoundary(): boolean {
    return this.need === 0
  }
}
