/** Events and targets for the writeback tests. Times: T0 = 2026-03-01 10:00:00 GMT+8. */
import { targetSchema } from '../../../src/writeback/adapters/targets.js'
import type {
  AlertEvent,
  ExcursionEvent,
  OrderRef,
  SalesPlatform,
  ShipmentConfirmedEvent,
  Target,
  TargetKind,
  TargetOf,
  TemperatureTrailEvent,
  TraceEntry,
  TrackingNodeEvent,
} from '../../../src/writeback/types.js'

export const T0 = Date.UTC(2026, 2, 1, 2, 0, 0)
export const WAYBILL = 'SF1234567890'

export const orderIds: Record<SalesPlatform, string> = {
  taobao: '123456789012',
  tmall: '223456789012',
  douyin: '4810000000000001',
  pinduoduo: '260301-123456789',
  jd: '2300000001',
  other: 'X-1',
}

export const order = (platform: SalesPlatform, merchantId = 'm-1'): OrderRef => ({
  platform,
  orderId: orderIds[platform],
  merchantId,
})

const pickup: TraceEntry = {
  at: T0 - 3_600_000,
  scanEvent: 'pickup',
  status: 'picked_up',
  location: { name: '杭州市余杭区', lat: 30.42, lon: 120.3 },
  operator: 'courier-7',
  note: null,
}

export function node(overrides: Partial<TrackingNodeEvent> = {}): TrackingNodeEvent {
  const current: TraceEntry = {
    at: T0 - 60_000,
    scanEvent: 'hub_in',
    status: 'in_transit',
    arrivingDestinationCity: true,
    location: { name: '上海转运中心', lat: 31.2, lon: 121.4 },
    operator: 'hub-3',
    note: '冷藏车 沪A·12345',
  }
  return {
    type: 'tracking.node',
    eventId: 'evt-node-1',
    occurredAt: T0 - 55_000,
    waybill: WAYBILL,
    carrier: 'SF',
    orders: [order('taobao'), order('douyin')],
    deviceTime: current.at,
    scanEvent: current.scanEvent,
    status: current.status,
    arrivingDestinationCity: true,
    location: current.location,
    operator: current.operator,
    note: current.note,
    temperature: { tempC: 3.4, at: T0 - 90_000, min: 2.1, max: 5.2, inRange: true },
    history: [pickup, current],
    ...overrides,
  }
}

export function shipment(
  platform: SalesPlatform,
  overrides: Partial<ShipmentConfirmedEvent> = {},
): ShipmentConfirmedEvent {
  return {
    type: 'shipment.confirmed',
    eventId: `evt-ship-${platform}`,
    occurredAt: T0 - 30_000,
    waybill: WAYBILL,
    carrier: 'SF',
    order: order(platform),
    ...overrides,
  }
}

export function trail(): TemperatureTrailEvent {
  return {
    type: 'temperature.trail',
    eventId: 'evt-trail-1',
    occurredAt: T0,
    waybill: WAYBILL,
    orders: [order('pinduoduo')],
    from: T0 - 600_000,
    to: T0,
    points: [
      { ts: T0 - 600_000, tempC: 3.1, rh: 88 },
      { ts: T0 - 300_000, tempC: 3.3, rh: null },
      { ts: T0, tempC: null, rh: null },
    ],
    summary: {
      count: 3,
      minC: 3.1,
      maxC: 3.3,
      meanC: 3.2,
      mktC: 3.2,
      outOfRangeMs: 0,
      budgetLeftMs: 3_600_000,
    },
  }
}

export function excursion(type: ExcursionEvent['type'] = 'excursion.opened'): ExcursionEvent {
  return {
    type,
    eventId: `evt-${type}`,
    occurredAt: T0,
    waybill: WAYBILL,
    orders: [order('jd')],
    excursionId: 'exc-1',
    kind: 'temperature',
    severity: 'major',
    profile: 'chilled',
    bounds: { low: 0, high: 8 },
    startedAt: T0 - 900_000,
    endedAt: type === 'excursion.cleared' ? T0 : null,
    peak: 11.5,
  }
}

export function alert(): AlertEvent {
  return {
    type: 'alert.resolved',
    eventId: 'evt-alert-1',
    occurredAt: T0,
    alertId: 'al-1',
    kind: 'temperature',
    waybill: null,
    orders: [],
    by: 'ops-anna',
    note: 'product inspected',
    disposition: 'release',
  }
}

/** Credentials in the sandbox's shape (the same field names the targets use). */
export interface PlatformCredentials {
  webhook: { secrets: string[] }
  kdniao: { eBusinessId: string; appKey: string }
  cainiao: { logisticProviderId: string; secretKey: string }
  taobao: { appKey: string; appSecret: string; session: string }
  douyin: { appKey: string; appSecret: string; accessToken: string }
  pinduoduo: { clientId: string; clientSecret: string; accessToken: string }
  jd: { appKey: string; appSecret: string; accessToken: string }
}

export const paths: Record<TargetKind, string> = {
  webhook: '/webhook/merchant-1',
  kdniao: '/kdniao',
  cainiao: '/cainiao',
  taobao: '/taobao/router/rest',
  douyin: '/douyin',
  pinduoduo: '/pdd/api/router',
  jd: '/jd/routerjson',
}

const carrierCodes: Partial<Record<TargetKind, Record<string, string>>> = {
  douyin: { SF: 'shunfeng' },
  pinduoduo: { SF: '44' },
  jd: { SF: '467' },
}

/** A validated target of `kind` pointing at `baseUrl` (the sandbox). */
export function target<K extends TargetKind>(
  kind: K,
  baseUrl: string,
  credentials: PlatformCredentials,
  extra: Record<string, unknown> = {},
): TargetOf<K> {
  const parsed: Target = targetSchema.parse({
    kind,
    id: `t-${kind}`,
    endpoint: baseUrl + paths[kind],
    credentials: credentials[kind],
    carrierCodes: carrierCodes[kind] ?? {},
    ...extra,
  })
  return parsed as TargetOf<K>
}

/** The event each platform takes in the end-to-end tests. */
export const sampleEventFor: Record<TargetKind, () => TrackingNodeEvent | ShipmentConfirmedEvent> = {
  webhook: () => node(),
  kdniao: () => node(),
  cainiao: () => node(),
  taobao: () => shipment('taobao'),
  douyin: () => shipment('douyin'),
  pinduoduo: () => shipment('pinduoduo'),
  jd: () => shipment('jd'),
}
