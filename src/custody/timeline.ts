/**
 * A container's intervals on vehicles, from its moves: each move puts it onto a vehicle, or takes it off, from
 * the move's device time until the next move. Pure, and windowed: recomputing from the first changed move,
 * seeded with the interval the container was in just before it, gives what a full recomputation would.
 */
import { type ContainerMove, type CustodyInterval, compareFacts } from './model.js'
import { pushInterval } from './replay.js'

/** The interval a container was in just before the window (opened before it, ending within it or open). */
export type Seed = Omit<CustodyInterval, 'toTs'> | null

export function containerIntervals(
  container: string,
  moves: readonly ContainerMove[],
  seed: Seed,
): CustodyInterval[] {
  const out: CustodyInterval[] = []
  let open: Seed = seed
  for (const move of [...moves].sort(compareFacts)) {
    if (open?.parent === move.parent || (open === null && move.parent === null)) continue
    if (open) pushInterval(out, { ...open, toTs: move.ts })
    open =
      move.parent === null
        ? null
        : {
            childKind: 'container',
            childId: container,
            parent: move.parent,
            fromTs: move.ts,
            openedBy: { deviceId: move.deviceId, seq: move.seq },
          }
  }
  if (open) pushInterval(out, { ...open, toTs: null })
  return out
}
