/**
 * The little of the gateway's HTTP API the demo reads and writes, as an outside party: JSON over fetch with the
 * admin bearer token, and the Prometheus text at /metrics. Every call has a short timeout so a busy gateway
 * slows the progress display down instead of stacking requests.
 */

/** A reply the demo did not expect. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} → ${status}: ${body.slice(0, 200)}`)
  }
}

/** One sample of the exposition format: name, labels, value. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/
const labelPair = /(\w+)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus text exposition; comments and malformed lines are skipped. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = sampleLine.exec(line)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (m[2] ?? '').matchAll(labelPair))
      if (key !== undefined) labels[key] = value ?? ''
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) })
  }
  return samples
}

/** Sum of a metric's samples whose labels match `where`. */
export function total(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  let sum = 0
  for (const s of samples) {
    if (s.name !== name) continue
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) sum += s.value
  }
  return sum
}

/** A metric's values summed per value of one label. */
export function byLabel(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of samples) {
    const key = s.labels[label]
    if (s.name === name && key !== undefined) out[key] = (out[key] ?? 0) + s.value
  }
  return out
}

export class GatewayClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 3000,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    return { status: res.status, text: await res.text() }
  }

  async getJson<T>(path: string): Promise<T> {
    const res = await this.request('GET', path)
    if (res.status !== 200) throw new HttpError(res.status, res.text, `GET ${path}`)
    return JSON.parse(res.text) as T
  }

  async metrics(): Promise<Sample[]> {
    const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(this.timeoutMs) })
    if (res.status !== 200) throw new HttpError(res.status, '', 'GET /metrics')
    return parseMetrics(await res.text())
  }

  /** Alerts in a state (`open`: all but resolved) or all of them, by kind, read page by page up to `cap`. */
  async countAlerts(state?: 'open', cap = 5000): Promise<{ total: number; byKind: Record<string, number> }> {
    const byKind: Record<string, number> = {}
    let total = 0
    let before: string | null = null
    do {
      const query = new URLSearchParams({ limit: '500' })
      if (state) query.set('state', state)
      if (before !== null) query.set('before', before)
      const page: { items: { kind: string }[]; next?: string | null } = await this.getJson(
        `/api/v1/alerts?${query}`,
      )
      for (const a of page.items) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1
      total += page.items.length
      before = page.next ?? null
    } while (before !== null && total < cap)
    return { total, byKind }
  }
}
