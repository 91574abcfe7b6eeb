/**
 * The re-evaluation window: the waybill's recent samples in the engine's order, cut into chunks; each chunk
 * holds the sweep's `Scan` as it stood just before the chunk's first sample (a checkpoint).
 *
 * - In-order sample (after every kept one): appended to the tail chunk and swept once — O(1) amortised: only
 *   the tail (at most `chunkSize` entries) is copied; sealed chunks are shared with the previous state.
 * - Out-of-order samples: merged into the chunks from the one they fall in, and the sweep resumes from that
 *   chunk's checkpoint — O(chunkSize + samples after the insertion point).
 * - Bound: chunks whose samples are all older than `spanMs` before the newest sample are dropped, and so are
 *   the oldest chunks while more than `maxReadings` samples are kept. A sample at or after the newest dropped
 *   one (`floor`) can always be re-evaluated; an older one cannot, and the engine hands it back as too late.
 * Plain data: chunks serialise to JSON as they are.
 */
import { compareSamples, type Sample } from './readings.js'
import { cloneScan, type Scan, type Sink, type SweepContext, sweep } from './scan.js'
import type { WindowOptions } from './types.js'

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
export function windowBounds(o: WindowOptions = {}): Required<WindowOptions> {
  return { spanMs: o.spanMs ?? 24 * HOUR, maxReadings: o.maxReadings ?? 4096, chunkSize: o.chunkSize ?? 32 }
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
    sweep(scan, ctx, sink, s)
  }
}

/**
 * Appends samples that all follow the newest kept one; `scan` (the live state) is advanced in place. With
 * `inPlace` the window's own tail takes them when it has room (its previous state is not kept by anyone).
 */
export function appendSamples(
  w: Window,
  samples: readonly Sample[],
  scan: Scan,
  ctx: SweepContext,
  sink: Sink,
  size: number,
  inPlace = false,
): Window {
  const t = w.tail
  if (inPlace && t && t.ts.length + samples.length <= size) {
    for (const s of samples) {
      t.ts.push(s.ts)
      t.t.push(s.t)
      t.h.push(s.h)
      sweep(scan, ctx, sink, s)
    }
    return w
  }
  if (t && t.ts.length < size && t.ts.length + samples.length <= size) {
    // The common case: the tail has room. Copy it (never modify the previous state's arrays), share the rest.
    // `concat` allocates each column once at its final length, which keeps the garbage per call small.
    const tail: Chunk = {
      cp: t.cp,
      ts: t.ts.concat(samples.map((s) => s.ts)),
      t: t.t.concat(samples.map((s) => s.t)),
      h: t.h.concat(samples.map((s) => s.h)),
    }
    for (const s of samples) sweep(scan, ctx, sink, s)
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

/** Drops the oldest chunks beyond the bounds; `floor` is the newest sample dropped, if any. */
export function trim(w: Window, bounds: Required<WindowOptions>): { window: Window; floor: Sample | null } {
  const newest = lastSample(w)
  const first = w.sealed[0]
  // Cheap check first: the hot path calls this after every append.
  if (!newest || !first) return { window: w, floor: null }
  const tailLength = w.tail ? w.tail.ts.length : 0
  const withinSpan = newest.ts - first.ts[first.ts.length - 1]! <= bounds.spanMs
  if (withinSpan && w.sealed.length * bounds.chunkSize + tailLength <= bounds.maxReadings) {
    return { window: w, floor: null }
  }
  let total = tailLength
  for (const c of w.sealed) total += c.ts.length
  let k = 0
  while (k < w.sealed.length) {
    const c = w.sealed[k]!
    if (total <= bounds.maxReadings && newest.ts - c.ts[c.ts.length - 1]! <= bounds.spanMs) break
    total -= c.ts.length
    k++
  }
  if (k === 0) return { window: w, floor: null }
  const dropped = w.sealed[k - 1]!
  return {
    window: { sealed: w.sealed.slice(k), tail: w.tail },
    floor: sampleAt(dropped, dropped.ts.length - 1),
  }
}
