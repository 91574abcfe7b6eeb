/**
 * In-memory index of the OPEN custody intervals, so that the hot path (a reading at about "now") answers
 * without SQL. It answers only when that is exact, and says so by returning `undefined` otherwise:
 * - a child's parent at ts is its open interval's parent if no interval of that child starts or ends after ts;
 * - a container's children at ts are its open children if no interval under it starts or ends after ts.
 * Readings back-filled from before the latest custody change therefore fall through to SQL (intervals.ts).
 * The index is written through by the custody service on every change and rebuilt from the store whenever the
 * store's custody generation differs from the one it last wrote (a rolled-back step or commit).
 */
import type { ChildRef, CustodyStore } from './intervals.js'
import type { ChildKind, CustodyInterval } from './model.js'

interface OpenEntry {
  parent: string
  fromTs: number
  /** Latest device time at which any interval of this child starts or ends. */
  lastChange: number
}

const keyOf = (kind: ChildKind, id: string) => (kind === 'waybill' ? `w:${id}` : `c:${id}`)
const refOf = (key: string): ChildRef => ({
  kind: key.startsWith('w:') ? 'waybill' : 'container',
  id: key.slice(2),
})

export class OpenIndex {
  private readonly open = new Map<string, OpenEntry>()
  private readonly children = new Map<string, Set<string>>()
  /** Latest device time at which any interval under the parent starts or ends; absent = never a parent. */
  private readonly parentChange = new Map<string, number>()

  /** Replaces the whole index with the store's content. */
  rebuild(store: CustodyStore): void {
    this.open.clear()
    this.children.clear()
    this.parentChange.clear()
    const snapshot = store.snapshot()
    const last = new Map(snapshot.childLastChange.map((c) => [keyOf(c.kind, c.id), c.at]))
    for (const i of snapshot.open) {
      const key = keyOf(i.childKind, i.childId)
      this.setOpen(key, { parent: i.parent, fromTs: i.fromTs, lastChange: last.get(key) ?? i.fromTs })
    }
    for (const p of snapshot.parentLastChange) this.parentChange.set(p.parent, p.at)
  }

  /** Records that a child's intervals `removed` were replaced by `added` (which hold its open one, if any). */
  apply(
    kind: ChildKind,
    id: string,
    removed: readonly CustodyInterval[],
    added: readonly CustodyInterval[],
  ): void {
    const key = keyOf(kind, id)
    let lastChange = this.open.get(key)?.lastChange ?? Number.NEGATIVE_INFINITY
    for (const i of [...removed, ...added]) {
      const end = i.toTs ?? i.fromTs
      lastChange = Math.max(lastChange, end)
      this.parentChange.set(
        i.parent,
        Math.max(this.parentChange.get(i.parent) ?? Number.NEGATIVE_INFINITY, end),
      )
    }
    this.clearOpen(key)
    const now = added.find((i) => i.toTs === null)
    if (now) this.setOpen(key, { parent: now.parent, fromTs: now.fromTs, lastChange })
  }

  /** The parent at ts (null: none), or undefined when the index cannot tell. */
  parentAt(kind: ChildKind, id: string, ts: number): string | null | undefined {
    const entry = this.open.get(keyOf(kind, id))
    return entry && entry.lastChange <= ts ? entry.parent : undefined
  }

  /** The children at ts, or undefined when the index cannot tell. */
  childrenAt(parent: string, ts: number): ChildRef[] | undefined {
    const changed = this.parentChange.get(parent)
    if (changed === undefined) return []
    if (changed > ts) return undefined
    return [...(this.children.get(parent) ?? [])].map(refOf)
  }

  /** Open intervals held (for metrics and tests). */
  get size(): number {
    return this.open.size
  }

  private setOpen(key: string, entry: OpenEntry): void {
    this.open.set(key, entry)
    let set = this.children.get(entry.parent)
    if (!set) {
      set = new Set()
      this.children.set(entry.parent, set)
    }
    set.add(key)
  }

  private clearOpen(key: string): void {
    const entry = this.open.get(key)
    if (!entry) return
    this.open.delete(key)
    const set = this.children.get(entry.parent)
    set?.delete(key)
    if (set?.size === 0) this.children.delete(entry.parent)
  }
}
