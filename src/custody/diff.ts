/** Comparing custody before and after a scan: what changed, and from which device time. */
import type { ContainerMove, CustodyInterval } from './model.js'

const intervalKey = (i: CustodyInterval) =>
  `${i.parent}\u0000${i.fromTs}\u0000${i.toTs ?? ''}\u0000${i.openedBy.deviceId}\u0000${i.openedBy.seq}`

export function sameIntervals(a: readonly CustodyInterval[], b: readonly CustodyInterval[]): boolean {
  if (a.length !== b.length) return false
  const keys = new Set(a.map(intervalKey))
  return b.every((i) => keys.has(intervalKey(i)))
}

/**
 * The earliest device time at which two interval sets differ: an interval that only got another end changes
 * at the earlier end; one that appeared or vanished, at its start. Infinity when they are the same.
 */
export function changedSince(before: readonly CustodyInterval[], after: readonly CustodyInterval[]): number {
  let since = Number.POSITIVE_INFINITY
  const end = (i: CustodyInterval) => i.toTs ?? Number.POSITIVE_INFINITY
  const compare = (from: readonly CustodyInterval[], to: readonly CustodyInterval[]) => {
    const keys = new Set(to.map(intervalKey))
    for (const i of from) {
      if (keys.has(intervalKey(i))) continue
      const twin = to.find((j) => j.parent === i.parent && j.fromTs === i.fromTs)
      since = Math.min(since, twin ? Math.min(end(i), end(twin)) : i.fromTs)
    }
  }
  compare(before, after)
  compare(after, before)
  return since
}

const moveKey = (m: ContainerMove) => `${m.deviceId}\u0000${m.seq}`
const moveContent = (m: ContainerMove) => `${m.container}\u0000${m.parent ?? ''}\u0000${m.ts}\u0000${m.rank}`

/** For each container whose moves differ, the earliest device time of a difference. */
export function changedMoves(
  before: readonly ContainerMove[],
  after: readonly ContainerMove[],
): Map<string, number> {
  const changed = new Map<string, number>()
  const mark = (m: ContainerMove) =>
    changed.set(m.container, Math.min(changed.get(m.container) ?? m.ts, m.ts))
  const index = (moves: readonly ContainerMove[]) => new Map(moves.map((m) => [moveKey(m), m]))
  const was = index(before)
  const now = index(after)
  for (const [key, m] of was) {
    const twin = now.get(key)
    if (!twin || moveContent(twin) !== moveContent(m)) mark(m)
  }
  for (const [key, m] of now) {
    const twin = was.get(key)
    if (!twin || moveContent(twin) !== moveContent(m)) mark(m)
  }
  return changed
}
