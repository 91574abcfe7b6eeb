/**
 * Registers the fleet's devices through the gateway's API, a few at a time (each registration costs the gateway
 * a password hash), and returns their MQTT secrets.
 */
import type { DeviceRegistration, GatewayApi } from '../api-client.js'

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

export async function registerAll(
  api: Pick<GatewayApi, 'registerDevice'>,
  devices: readonly DeviceRegistration[],
  concurrency = 8,
): Promise<Map<string, string>> {
  const secrets = await mapLimit(devices, concurrency, (d) => api.registerDevice(d))
  return new Map(devices.map((d, i) => [d.id, secrets[i] as string]))
}
