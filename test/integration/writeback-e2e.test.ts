/**
 * End to end: a courier's pickup scan published over MQTT to a real gateway reaches the platform sandbox as
 * correctly signed platform requests — a Kdniao tracking push with the full history, a Taobao shipment
 * confirmation, and a Standard Webhooks delivery — with the platforms registered through `/api/v1/platforms`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../simulator/sandbox/index.js'
import { OrderService } from '../../src/orders/service.js'
import { type Database, openDatabase } from '../../src/store/database.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'

const WAYBILL = 'CC-E2E-0001'

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('a scan published over MQTT reaches the platforms, signed', () => {
  let sandbox: Sandbox
  let gw: TestGateway
  let db: Database
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 })
    gw = await startTestGateway({ writeback: { scanIntervalMs: 60_000 } })
    // The orders API is not there yet: the order is created through the orders service on the same store.
    db = openDatabase(gw.dataDir, gw.gateway.config.store)
    new OrderService(db).create({
      platform: 'taobao',
      platformOrderId: '123456789012',
      merchant: 'fresh-farm',
      items: [{ sku: 'MILK-1L', name: 'Milk 1 L', qty: 4, tempClass: 'chilled' }],
      profile: 'chilled',
      slaTier: 'next_day',
      consigneeRegion: 'CN-31',
      waybillNo: WAYBILL,
    })
    const c = sandbox.credentials
    const platforms = [
      { kind: 'kdniao', id: 'kdniao', endpoint: `${sandbox.url}/kdniao`, credentials: c.kdniao },
      { kind: 'taobao', id: 'top', endpoint: `${sandbox.url}/taobao/router/rest`, credentials: c.taobao },
      { kind: 'webhook', id: 'farm-hook', endpoint: `${sandbox.url}/webhook/farm`, credentials: c.webhook },
    ]
    for (const p of platforms) {
      const res = await gw.api('POST', '/api/v1/platforms', p)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
  })
  afterAll(async () => {
    db?.close()
    await gw?.stop()
    await sandbox?.stop()
  })

  it('delivers the pickup to Kdniao, Taobao and the webhook at once', async () => {
    const secret = await gw.registerDevice('scanner-e2e', 'scanner')
    const client = await gw.connect('scanner-e2e', secret)
    const sent = Date.now()
    await client.publishAsync(
      'cc/scanner-e2e/scan',
      JSON.stringify({
        ts: sent,
        seq: 1,
        waybill: WAYBILL,
        event: 'pickup',
        location: { name: '杭州仓' },
        operator: 'courier-7',
      }),
      { qos: 1 },
    )
    const received = await until('four deliveries', () => {
      const accepted = sandbox.requests({ outcome: 'accepted' })
      const platforms = new Set(accepted.map((r) => r.platform))
      return platforms.has('kdniao') && platforms.has('taobao') && accepted.length >= 4 ? accepted : undefined
    })
    expect(sandbox.requests({ outcome: 'rejected' })).toEqual([])
    const kdniao = received.find((r) => r.platform === 'kdniao')
    expect(kdniao?.waybill).toBe(WAYBILL)
    const pushed = kdniao?.content as { Data: { LogisticCode: string; State: string; Traces: unknown[] }[] }
    expect(pushed.Data[0]).toMatchObject({ LogisticCode: WAYBILL, State: '1' })
    expect(pushed.Data[0]?.Traces).toHaveLength(1)
    const taobao = received.find((r) => r.platform === 'taobao')
    expect(taobao?.orderId).toBe('123456789012')
    const hooks = received
      .filter((r) => r.platform === 'webhook')
      .map((r) => (r.content as { type: string }).type)
    expect(hooks.sort()).toEqual(['shipment.confirmed', 'tracking.node'])
    // Milliseconds on an idle machine (bench/writeback.ts measures it); the periodic scan is a minute away,
    // so this arrived because the commit woke the relay.
    expect(Math.max(...received.map((r) => r.receivedAt)) - sent).toBeLessThan(5000)

    const outbox = await gw.api<{ items: { state: string; target: string }[] }>(
      'GET',
      `/api/v1/outbox?waybill=${WAYBILL}`,
    )
    expect(outbox.body.items.map((r) => r.state)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ])
    const metrics = await fetch(`http://127.0.0.1:${gw.ports.http}/metrics`).then((r) => r.text())
    expect(metrics).toMatch(/cc_writeback_delivered_total\{target="kdniao",type="tracking.node"\} 1/)
    expect(metrics).toMatch(/cc_writeback_nodes_total\{target="kdniao"\} 1/)
  })
})
