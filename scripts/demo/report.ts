/** What the demo prints besides progress: where to look once it runs, and the summary when it stops. */
import { relative } from 'node:path'
import { describeExit, type ExitStatus, type GatewayChild } from './gateway-child.js'
import { deliveredText } from './progress.js'
import type { Snapshot } from './stats.js'

export interface Where {
  gateway: GatewayChild
  token: string
  sandboxUrl: string
  dataDir: string
  logFile: string
  temporary: boolean
  writeback: boolean
  takenPorts: string[]
}

const shown = (path: string): string => {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') ? `./${rel}` : path
}

export function whereToLook(w: Where): string[] {
  const api = w.gateway.url
  const p = w.gateway.ports
  const lines = [
    '',
    'The cold-chain gateway is running with a simulated fleet. Where to look:',
    `  API docs         ${api}/docs`,
    `  admin token      ${w.token}`,
    `  try              curl -H 'authorization: Bearer ${w.token}' '${api}/api/v1/alerts?state=open'`,
    `  a trail          ${api}/api/v1/waybills/<no>/trail (an example is printed once a waybill exists)`,
    `  platforms        ${w.sandboxUrl}/_sandbox/requests  (what the platform sandbox received)`,
    `  MQTT             mqtt://127.0.0.1:${p.mqtt}  ws://127.0.0.1:${p.ws}/mqtt`,
    `  metrics          ${api}/metrics`,
    `  gateway          pid ${w.gateway.pid}, log ${shown(w.logFile)}`,
    `  data             ${shown(w.dataDir)}${w.temporary ? ' (temporary, removed at the end)' : ''}`,
    `  stop             Ctrl-C (or kill -TERM ${process.pid})`,
  ]
  if (!w.writeback) lines.push('  writeback        not available: this gateway has no /api/v1/platforms')
  if (w.takenPorts.length > 0)
    lines.push(`  note             taken, so a free port instead: ${w.takenPorts.join(', ')}`)
  lines.push('')
  return lines
}

export function trailNote(gatewayUrl: string, token: string, waybill: string): string {
  const url = `${gatewayUrl}/api/v1/waybills/${encodeURIComponent(waybill)}/trail`
  return `a trail: curl -H 'authorization: Bearer ${token}' '${url}'`
}

/** The totals at the end. */
export interface Summary {
  elapsedMs: number
  readings: number
  scans: number
  deadLetters: number
  alertsRaised: number | null
  alertsByKind: Record<string, number>
  /** Not resolved when the demo stopped. */
  alertsOpen: number | null
  writeback: boolean
  /** Requests the sandbox accepted, per platform. */
  delivered: Snapshot['delivered']
  refused: number
  /** Rows the gateway counted as delivered, per target, read just before it stopped. */
  gatewayDelivered: Record<string, number>
  gatewayPid: number | null
  gatewayExit: ExitStatus | null
  fleet: { finished: boolean; error: string | null }
  dataDir: string | null
  ok: boolean
}

export function summaryLines(s: Summary): string[] {
  const kinds = Object.entries(s.alertsByKind).map(([k, v]) => `${k} ${v}`)
  const gatewayCount = Object.values(s.gatewayDelivered).reduce((a, b) => a + b, 0)
  const writeback = s.writeback
    ? `${deliveredText(s.delivered, ' · ', 'none')}${s.refused ? ` · refused ${s.refused}` : ''} (gateway counted ${gatewayCount})`
    : 'not available'
  return [
    '',
    `Demo stopped after ${Math.round(s.elapsedMs / 1000)} s${s.ok ? '' : ' with problems (see above)'}.`,
    `  readings stored  ${s.readings.toLocaleString('en-US')} (and ${s.scans} scans)`,
    `  alerts raised    ${s.alertsRaised ?? '?'}${kinds.length ? ` (${kinds.join(', ')})` : ''}, ${s.alertsOpen ?? '?'} still open`,
    `  dead letters     ${s.deadLetters}`,
    `  delivered        ${writeback}`,
    `  fleet            ${s.fleet.error ? `failed: ${s.fleet.error}` : s.fleet.finished ? 'played to the end' : 'stopped early'}`,
    `  gateway          ${s.gatewayExit === null ? 'not started' : describeExit(s.gatewayExit)}`,
    ...(s.dataDir ? [`  data kept in     ${shown(s.dataDir)}`] : []),
  ]
}
