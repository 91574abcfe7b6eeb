/**
 * Platform setup: every platform the sandbox plays is registered in the gateway as a writeback target
 * (`POST /api/v1/platforms`), pointing at the sandbox with the credentials the sandbox was started with, so the
 * gateway's signed requests verify there. Tracking nodes go to Kdniao, Cainiao and the webhook; shipment
 * confirmations to the marketplace each order came from.
 */
import type { PlatformName, Sandbox } from '../../simulator/sandbox/index.js'
import { platformNames } from '../../simulator/sandbox/index.js'
import type { GatewayClient } from './api.js'

/** Where each platform listens in the sandbox (simulator/sandbox/README.md); Douyin's is its API base. */
const paths: Record<PlatformName, string> = {
  webhook: '/webhook/demo',
  kdniao: '/kdniao',
  cainiao: '/cainiao',
  taobao: '/taobao/router/rest',
  douyin: '/douyin',
  pinduoduo: '/pdd/api/router',
  jd: '/jd/routerjson',
}

/**
 * The gateway's carrier code (`writeback.carrier`, default CC) as each platform knows the courier; PDD wants a
 * numeric logistics id. Any code serves here: the sandbox only checks the field's shape.
 */
const carrierCodes: Partial<Record<PlatformName, Record<string, string>>> = {
  douyin: { CC: 'coldchain' },
  pinduoduo: { CC: '44' },
  jd: { CC: '467' },
}

/** What setup achieved: `available` is false when the gateway has no writeback API. */
export interface PlatformSetup {
  available: boolean
  registered: PlatformName[]
  problems: string[]
}

export function targetFor(platform: PlatformName, sandbox: Sandbox) {
  return {
    id: platform,
    kind: platform,
    endpoint: sandbox.url + paths[platform],
    credentials: sandbox.credentials[platform],
    carrierCodes: carrierCodes[platform] ?? {},
  }
}

export async function registerPlatforms(api: GatewayClient, sandbox: Sandbox): Promise<PlatformSetup> {
  const setup: PlatformSetup = { available: true, registered: [], problems: [] }
  for (const platform of platformNames) {
    let reply: { status: number; text: string }
    try {
      reply = await api.request('POST', '/api/v1/platforms', targetFor(platform, sandbox))
    } catch (err) {
      setup.problems.push(`${platform}: ${(err as Error).message}`)
      continue
    }
    if (reply.status === 201 || reply.status === 409) {
      setup.registered.push(platform)
    } else if (reply.status === 404 && setup.registered.length === 0) {
      // The route itself is missing: this gateway build has no writeback API.
      return { available: false, registered: [], problems: ['POST /api/v1/platforms answered 404'] }
    } else {
      setup.problems.push(`${platform}: HTTP ${reply.status} ${reply.text.slice(0, 160)}`)
    }
  }
  if (setup.registered.length === 0) setup.available = false
  return setup
}
