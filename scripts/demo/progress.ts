/**
 * The progress display. On a terminal: a compact block redrawn in place, with notes (fleet messages, the first
 * trail URL) printed above it. Anywhere else (a pipe, a CI log): one plain line per refresh, no escape codes.
 */
import type { Snapshot } from './stats.js'

/** What the demo knows besides the snapshot. */
export interface Status {
  elapsedMs: number
  /** Simulated time (UTC) reached by the fleet, `YYYY-MM-DDTHH:MM`, once it reports. */
  simNow: string | null
  /** Where simulated time ends. */
  simEnd: string | null
  phase: string
  writeback: boolean
}

export interface Display {
  /** A line that stays (printed above the block on a terminal). */
  note(line: string): void
  show(s: Snapshot, status: Status): void
  /** Leaves the last block on screen and stops redrawing. */
  close(): void
}

const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000)
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0')
  const ss = String(s % 60).padStart(2, '0')
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`
}

const n = (v: number): string => Math.round(v).toLocaleString('en-US')

export function deliveredText(
  delivered: Snapshot['delivered'],
  separator: string,
  none = 'none yet',
): string {
  const parts = Object.entries(delivered)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([platform, count]) => `${platform} ${n(count ?? 0)}`)
  return parts.length > 0 ? parts.join(separator) : none
}

function alertsText(s: Snapshot): string {
  const open = s.alertsOpen
  if (!open) return '?'
  const kinds = Object.entries(open.byKind)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, count]) => `${kind} ${count}`)
  return kinds.length > 0 ? `${open.total} (${kinds.join(', ')})` : '0'
}

function writebackText(s: Snapshot, status: Status, separator: string): string {
  if (!status.writeback) return 'not available'
  const refused = s.refused > 0 ? `${separator}refused ${n(s.refused)}` : ''
  return deliveredText(s.delivered, separator) + refused
}

/** The block shown on a terminal. */
export function block(s: Snapshot, status: Status): string[] {
  const sim = status.simNow ? `simulated ${status.simNow.replace('T', ' ')} UTC` : 'fleet starting'
  const gateway = s.reachable ? '' : '  (gateway not answering)'
  return [
    `cold-chain demo  ${clock(status.elapsedMs)}  ${status.phase} · ${sim}${gateway}`,
    `  devices connected ${String(s.connected).padEnd(8)} readings/s ${n(s.readingsPerS).padEnd(8)} stored ${n(s.readings)} readings, ${n(s.scans)} scans`,
    `  alerts open       ${alertsText(s).padEnd(28)} dead letters ${n(s.deadLetters)}`,
    `  writeback         ${writebackText(s, status, ' · ')}`,
    '  Ctrl-C to stop',
  ]
}

/** The line printed per refresh when the output is not a terminal. */
export function plainLine(s: Snapshot, status: Status): string {
  return [
    `[${clock(status.elapsedMs)}] ${status.phase}`,
    status.simNow ? `sim ${status.simNow.slice(11)}Z` : 'sim -',
    `connected ${s.connected}`,
    `readings ${n(s.readings)} (${n(s.readingsPerS)}/s)`,
    `dead letters ${n(s.deadLetters)}`,
    `alerts open ${s.alertsOpen?.total ?? '?'}`,
    `writeback ${writebackText(s, status, ', ')}`,
  ].join(' · ')
}

export function createDisplay(out: NodeJS.WriteStream): Display {
  return out.isTTY ? new TerminalDisplay(out) : new PlainDisplay(out)
}

class PlainDisplay implements Display {
  constructor(private readonly out: NodeJS.WritableStream) {}
  note(line: string): void {
    this.out.write(`${line}\n`)
  }
  show(s: Snapshot, status: Status): void {
    this.out.write(`${plainLine(s, status)}\n`)
  }
  close(): void {}
}

class TerminalDisplay implements Display {
  private drawn = 0
  private lines: string[] = []
  private closed = false

  constructor(private readonly out: NodeJS.WriteStream) {}

  note(line: string): void {
    this.erase()
    this.out.write(`${line}\n`)
    this.draw()
  }

  show(s: Snapshot, status: Status): void {
    if (this.closed) return
    this.erase()
    this.lines = block(s, status)
    this.draw()
  }

  close(): void {
    this.closed = true
    this.drawn = 0
  }

  private erase(): void {
    // Cursor to the start of the block's first line, then clear to the end of the screen.
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`)
    this.drawn = 0
  }

  private draw(): void {
    if (this.closed || this.lines.length === 0) return
    // Lines longer than the terminal would wrap and break the count of lines to erase.
    const width = Math.max(20, (this.out.columns ?? 100) - 1)
    for (const line of this.lines) this.out.write(`${line.slice(0, width)}\n`)
    this.drawn = this.lines.length
  }
}
