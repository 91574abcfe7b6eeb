/** `score`: reads a truth file and the gateway's alerts, prints the comparison (a table, then JSON). */
import { readFile } from 'node:fs/promises'
import { GatewayApi } from '../../api-client.js'
import { parseGroundTruth } from '../../ground-truth.js'
import { readFindings } from './findings.js'
import { type ScoreReport, score } from './score.js'

/** Options of `score`. */
export interface ScoreOptions {
  truth: string
  gateway: string
  token: string
  toleranceMs?: number
}

export async function scoreCommand(o: ScoreOptions, print: (line: string) => void): Promise<ScoreReport> {
  const truth = parseGroundTruth(JSON.parse(await readFile(o.truth, 'utf8')))
  const { findings, unreadable } = await readFindings(new GatewayApi(o.gateway, o.token))
  if (unreadable)
    print(`warning: ${unreadable} alerts did not have the expected shape (see scoring/findings.ts)`)
  const report = score(truth, findings, o.toleranceMs)
  print(formatReport(report))
  return report
}

export function formatReport(r: ScoreReport): string {
  const ms = (v: number | null) => (v === null ? '-' : `${(v / 1000).toFixed(1)}s`)
  const lines = ['kind               expected  detected  missed  false  delay p50  delay max']
  for (const [kind, k] of Object.entries(r.byKind)) {
    lines.push(
      `${kind.padEnd(18)} ${String(k.expected).padStart(8)}  ${String(k.detected).padStart(8)}  ${String(k.missed).padStart(6)}  ${String(k.falseAlarms).padStart(5)}  ${ms(k.delayMs.p50).padStart(9)}  ${ms(k.delayMs.max).padStart(9)}`,
    )
  }
  for (const m of r.missed) lines.push(`missed      ${m.kind} ${m.waybill}: ${m.what}`)
  for (const f of r.falseAlarms) {
    const start = f.start === null ? '?' : new Date(f.start).toISOString()
    lines.push(`false alarm ${f.kind} ${f.waybill}: ${f.side ?? ''} from ${start} (${f.ref})`)
  }
  lines.push(r.ok ? 'result: every expected finding detected, no false alarm' : 'result: FAIL')
  return lines.join('\n')
}
