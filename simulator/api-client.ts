/**
 * Every HTTP call the simulator makes, in one place, so adapting to the gateway's API as it settles is one
 * file's change. The simulator is an outside party: it speaks JSON over fetch with a bearer token and re-declares
 * the little it needs. Calls assumed (gateway /api/v1):
 *   POST /devices {id, kind, label?, container?} → 201 {...device, secret}; 409 when it exists, then
 *   POST /devices/:id/secret → {secret} (rotation)
 *   POST /orders {platform, platformOrderId, merchant, items, profile, slaTier, consigneeRegion, createdAt,
 *        waybillNo} → {id, waybills: [no | {no}]} (read tolerantly)
 *   GET  /alerts?limit=&before= → {items, next}
 *   GET  /waybills/:no/trail → the trail (read by scoring/findings.ts)
 * and the sandbox's control API: POST /_sandbox/faults {platform, ...fault}, DELETE /_sandbox/faults.
 */
import type { DeviceKind, OrderSpec } from './fleet/plan.js'

/** A reply the caller did not expect, with what the server said. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} → ${status}: ${body.slice(0, 300)}`)
  }
}

/** A device to register. */
export interface DeviceRegistration {
  id: string
  kind: DeviceKind
  label?: string
  container?: string
}

export class GatewayApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Registers the device and returns its MQTT secret; an existing device gets a fresh secret instead. */
  async registerDevice(d: DeviceRegistration): Promise<string> {
    const created = await this.call('POST', '/api/v1/devices', d, [201, 409])
    if (created.status === 201) return secretOf(created.body, d.id)
    const rotated = await this.call(
      'POST',
      `/api/v1/devices/${encodeURIComponent(d.id)}/secret`,
      undefined,
      [200, 201],
    )
    return secretOf(rotated.body, d.id)
  }

  /** Creates the order; answers the gateway's order id and the waybill number it will track. */
  async createOrder(o: OrderSpec): Promise<{ orderId: string | null; no: string }> {
    const body = {
      platform: o.platform,
      platformOrderId: o.platformOrderId,
      merchant: o.merchant,
      items: o.items,
      profile: o.profile,
      slaTier: o.slaTier,
      consigneeRegion: o.region,
      createdAt: new Date(o.createAt).toISOString(),
      waybillNo: o.waybill,
    }
    // 200: the order existed already (idempotent on platform + platform order id).
    const res = await this.call('POST', '/api/v1/orders', body, [200, 201])
    const r = (res.body ?? {}) as Record<string, unknown>
    const order = (typeof r['order'] === 'object' && r['order'] ? r['order'] : r) as Record<string, unknown>
    const waybills = Array.isArray(order['waybills']) ? (order['waybills'] as unknown[]) : []
    const first = waybills[0]
    const no =
      typeof first === 'string'
        ? first
        : first && typeof first === 'object' && typeof (first as { no?: unknown }).no === 'string'
          ? (first as { no: string }).no
          : typeof order['waybillNo'] === 'string'
            ? (order['waybillNo'] as string)
            : o.waybill
    const id = order['id']
    return { orderId: typeof id === 'string' || typeof id === 'number' ? String(id) : null, no }
  }

  /** Every alert, all pages (`before` cursor), as raw JSON objects. */
  async listAlerts(pageSize = 500): Promise<unknown[]> {
    const all: unknown[] = []
    let before: string | null = null
    for (let page = 0; page < 1000; page++) {
      const q = new URLSearchParams({ limit: String(pageSize) })
      if (before !== null) q.set('before', before)
      const res = await this.call('GET', `/api/v1/alerts?${q}`, undefined, [200])
      const body = res.body as { items?: unknown[]; next?: unknown } | unknown[]
      if (Array.isArray(body)) return body
      all.push(...(body.items ?? []))
      if (body.next === null || body.next === undefined || body.next === '') break
      before = String(body.next)
    }
    return all
  }

  /** The waybill's trail as raw JSON, or null when the gateway does not know the waybill. */
  async waybillTrail(no: string): Promise<unknown | null> {
    const res = await this.call(
      'GET',
      `/api/v1/waybills/${encodeURIComponent(no)}/trail`,
      undefined,
      [200, 404],
    )
    return res.status === 404 ? null : res.body
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    ok: number[],
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await this.fetchImpl(this.baseUrl.replace(/\/$/, '') + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!ok.includes(res.status)) throw new ApiError(method, path, res.status, text)
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null }
  }
}

function secretOf(body: unknown, id: string): string {
  const secret = (body as { secret?: unknown } | null)?.secret
  if (typeof secret !== 'string' || secret === '') throw new Error(`no secret in the reply for device ${id}`)
  return secret
}

/**
 * Switches a fault on in the platform sandbox (`POST /_sandbox/faults`, body `{ platform: 'all' | name, ...fault }`
 * as the sandbox defines it), or clears every fault (`DELETE /_sandbox/faults`) when `fault` is null.
 */
export async function setPlatformFault(
  sandboxUrl: string,
  fault: Record<string, unknown> | null,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const url = `${sandboxUrl.replace(/\/$/, '')}/_sandbox/faults`
  const res =
    fault === null
      ? await fetchImpl(url, { method: 'DELETE' })
      : await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(fault),
        })
  const text = await res.text()
  if (!res.ok) throw new ApiError(fault === null ? 'DELETE' : 'POST', '/_sandbox/faults', res.status, text)
}
