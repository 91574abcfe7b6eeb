/**
 * The re-evaluation window: the waybill's recent samples in the engine's order, cut into chunks; each chunk
 * holds the sweep's `Scan` as it stood just before the chunk's first sample (a checkpoint).
 *
 * - In-order sample (after every kept one): appended to the tail chunk and swept once — O(1) amortised: only
 *   the tail (at most `chunkSize` entries) is copied; sealed chunks are shared with the previous state. In
 *   place (`appendInPlace`), the tail itself takes it.
 * - Out-of-order samples: merged into the chunks from the one they fall in, and the sweep resumes from that
 *   chunk's checkpoint — O(chunkSize + samples after the insertion point).
 * - Bound: chunks whose samples are all older than `spanMs` before the newest sample are dropped, and so are
 *   the oldest chunks while more than `maxReadings` samples are kept. A sample at or after the newest dropped
 *   one (`floor`) can always be re-evaluated; an older one cannot, and the engine hands it back as too late.
 * Plain data: chunks serialise to JSON as they are.
 */
import { compareReading, compareSamples, type Sample } from './readings.js'
import { cloneScan, type Scan, type Sink, type SweepContext, sweep } from './scan.js'
import type { RuleReading, WindowOptions } from './types.js'

/** A run of consecutive samples (columns) and the sweep's state before the first of them. */
export interface Chunk {
  cp: Scan
  ts: number[]
  t: (number | null)[]
  h: (number | null)[]
}

/** The kept samples: full chunks that no longer change in order, and the chunk being filled. */
export interface Window {
  sealed: Chunk[]
  tail: Chunk | null
}

const HOUR = 3_600_000

// 24 h covers a box that stays offline for a day and a device clock that is off by hours; 4096 readings is
// 3 days at one a minute. Older late data is rare and is handled by `rebuild` from the store. 32 samples per
// chunk: the in-order path copies the tail chunk (16 samples on average), a late sample re-sweeps at most
// 32 samples before it; measured against 16 and 64 (bench/rules-engine.ts), 32 made the least garbage per
// call for a modest number of checkpoints (~500 bytes each).
// The defaults are applied where each bound is read, so that no bounds object is made per call.
const SPAN_MS = 24 * HOUR
const MAX_READINGS = 4096
const CHUNK_SIZE = 32

/** Samples per chunk (per checkpoint). */
export function chunkSizeOf(o: WindowOptions | undefined): number {
  return o?.chunkSize ?? CHUNK_SIZE
}

export function emptyWindow(): Window {
  return { sealed: [], tail: null }
}

/** All chunks, oldest first. */
export function chunksOf(w: Window): Chunk[] {
  return w.tail ? [...w.sealed, w.tail] : w.sealed.slice()
}

function windowOf(chunks: Chunk[]): Window {
  const tail = chunks.pop() ?? null
  return { sealed: chunks, tail }
}

function sampleAt(c: Chunk, i: number): Sample {
  return { ts: c.ts[i]!, t: c.t[i]!, h: c.h[i]! }
}

export function lastSample(w: Window): Sample | null {
  const c = w.tail
  return c && c.ts.length > 0 ? sampleAt(c, c.ts.length - 1) : null
}

/** `compareReading` of a reading against the newest kept sample, read from the columns; 1 when none is kept. */
export function compareToNewest(w: Window, r: RuleReading): number {
  const c = w.tail
  const i = c ? c.ts.length - 1 : -1
  return c && i >= 0 ? compareReading(r, c.ts[i]!, c.t[i]!, c.h[i]!) : 1
}

/** Index (in `chunksOf`) of the chunk a sample falls in: the last one whose first sample precedes it, or 0. */
export function chunkFor(chunks: readonly Chunk[], s: Sample): number {
  let lo = 0
  let hi = chunks.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (compareSamples(sampleAt(chunks[mid]!, 0), s) < 0) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Sweeps `samples` into `out`, starting a chunk (with a checkpoint) whenever the current one is full. */
function pushAll(
  out: Chunk[],
  current: Chunk | undefined,
  samples: readonly Sample[],
  scan: Scan,
  ctx: SweepContext,
  sink: Sink,
  size: number,
): void {
  let cur = current
  for (const s of samples) {
    if (!cur || cur.ts.length >= size) {
      cur = { cp: cloneScan(scan), ts: [], t: [], h: [] }
      out.push(cur)
    }
    cur.ts.push(s.ts)
    cur.t.push(s.t)
    cur.h.push(s.h)
    sweep(scan, ctx, sink, s.ts, s.t, s.h)
  }
}

/**
 * Appends one sample, given by its parts, that follows the newest kept one, to a window whose previous state
 * nobody keeps; `scan` (the live state) is advanced in place. The window's own tail takes the sample while it
 * has room; a full tail is sealed into a new window, as the list of sealed chunks may be shared with earlier
 * states and is never modified.
 */
export function appendInPlace(
  w: Window,
  ts: number,
  t: number | null,
  h: number | null,
  scan: Scan,
  ctx: SweepContext,
  sink: Sink,
  size: number,
): Window {
  let out = w
  let c = w.tail
  if (!c || c.ts.length >= size) {
    c = { cp: cloneScan(scan), ts: [], t: [], h: [] }
    out = { sealed: chunksOf(w), tail: c }
  }
  c.ts.push(ts)
  c.t.push(t)
  c.h.push(h)
  sweep(scan, ctx, sink, ts, t, h)
  return out
}

/** Appends samples that all follow the newest kept one; `scan` (the live state) is advanced in place. */
export function appendSamples(
  w: Window,
  samples: readonly Sample[],
  scan: Scan,
  ctx: SweepContext,
  sink: Sink,
  size: number,
): Window {
  const t = w.tail
  if (t && t.ts.length < size && t.ts.length + samples.length <= size) {
    // The common case: the tail has room. Copy it (never modify the previous state's arrays), share the rest.
    // `concat` allocates each column once at its final length, which keeps the garbage per call small.
    const tail: Chunk = {
      cp: t.cp,
      ts: t.ts.concat(samples.map((s) => s.ts)),
      t: t.t.concat(samples.map((s) => s.t)),
      h: t.h.concat(samples.map((s) => s.h)),
    }
    for (const s of samples) sweep(scan, ctx, sink, s.ts, s.t, s.h)
    return { sealed: w.sealed, tail }
  }
  const out: Chunk[] = w.sealed.slice()
  let current: Chunk | undefined
  if (t && t.ts.length < size) current = { cp: t.cp, ts: t.ts.slice(), t: t.t.slice(), h: t.h.slice() }
  else if (t) out.push(t)
  if (current) out.push(current)
  pushAll(out, current, samples, scan, ctx, sink, size)
  return windowOf(out)
}

/** Sorted, distinct samples of chunks[from..] merged with sorted `extra`. */
function merged(chunks: readonly Chunk[], from: number, extra: readonly Sample[]): Sample[] {
  const out: Sample[] = []
  const add = (s: Sample) => {
    const prev = out[out.length - 1]
    if (!prev || compareSamples(prev, s) !== 0) out.push(s)
  }
  let j = 0
  for (let c = from; c < chunks.length; c++) {
    const chunk = chunks[c]!
    for (let i = 0; i < chunk.ts.length; i++) {
      const s = sampleAt(chunk, i)
      while (j < extra.length && compareSamples(extra[j]!, s) < 0) add(extra[j++]!)
      add(s)
    }
  }
  while (j < extra.length) add(extra[j++]!)
  return out
}

/**
 * Merges sorted `extra` samples into the window from chunk `from` (an index in `chunksOf`) on and sweeps again
 * from that chunk's checkpoint. Returns the new window and the live scan after the newest sample.
 */
export function resweep(
  w: Window,
  from: number,
  extra: readonly Sample[],
  ctx: SweepContext,
  sink: Sink,
  size: number,
): { window: Window; scan: Scan } {
  const chunks = chunksOf(w)
  const base = chunks[from]?.cp
  if (!base) throw new Error(`no chunk ${from} in the window`)
  const scan = cloneScan(base)
  const out = chunks.slice(0, from)
  pushAll(out, undefined, merged(chunks, from, extra), scan, ctx, sink, size)
  return { window: windowOf(out), scan }
}

/** Builds a window from sorted, distinct samples, sweeping from `scan` (mutated). */
export function buildWindow(
  samples: readonly Sample[],
  scan: Scan,
  ctx: SweepContext,
  sink: Sink,
  size: number,
) {
  const out: Chunk[] = []
  pushAll(out, undefined, samples, scan, ctx, sink, size)
  return windowOf(out)
}

/**
 * Drops the oldest chunks beyond the bounds: the window without them and `floor`, the newest sample dropped.
 * Null when nothing is dropped, so that the hot path (which calls this after every append) makes no object.
 */
export function trim(w: Window, o: WindowOptions | undefined): { window: Window; floor: Sample } | null {
  const tail = w.tail
  const first = w.sealed[0]
  // Cheap check first, on scalars only.
  if (!tail || tail.ts.length === 0 || !first) return null
  const newest = tail.ts[tail.ts.length - 1]!
  const spanMs = o?.spanMs ?? SPAN_MS
  const maxReadings = o?.maxReadings ?? MAX_READINGS
  const withinSpan = newest - first.ts[first.ts.length - 1]! <= spanMs
  if (withinSpan && w.sealed.length * chunkSizeOf(o) + tail.ts.length <= maxReadings) return null
  let total = tail.ts.length
  for (const c of w.sealed) total += c.ts.length
  let k = 0
  while (k < w.sealed.length) {
    const c = w.sealed[k]!
    if (total <= maxReadings && newest - c.ts[c.ts.length - 1]! <= spanMs) break
    total -= c.ts.length
    k++
  }
  if (k === 0) return null
  const dropped = w.sealed[k - 1]!
  return {
    window: { sealed: w.sealed.slice(k), tail },
    floor: sampleAt(dropped, dropped.ts.length - 1),
  }
}
