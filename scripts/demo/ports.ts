/**
 * Which ports the gateway is asked to listen on. The usual ones (1883, 8080, 9080) when they are free, so the
 * printed URLs are the familiar ones; 0 for any already taken (or for all with `--ports free`): the gateway then
 * takes a free port and reports it when it starts.
 */
import { createServer } from 'node:net'

export interface PortRequest {
  mqtt: number
  http: number
  ws: number
}

export const usualPorts: PortRequest = { mqtt: 1883, http: 8080, ws: 9080 }
export const anyPorts: PortRequest = { mqtt: 0, http: 0, ws: 0 }

/** True when nothing listens on host:port right now (bound, then released at once). */
export function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** The ports to ask for, and the names of the usual ones that were taken. */
export async function choosePorts(
  mode: 'default' | 'free',
): Promise<{ request: PortRequest; taken: string[] }> {
  if (mode === 'free') return { request: { ...anyPorts }, taken: [] }
  const request = { ...usualPorts }
  const taken: string[] = []
  for (const name of ['mqtt', 'http', 'ws'] as const) {
    if (await isFree(request[name])) continue
    taken.push(`${name} ${request[name]}`)
    request[name] = 0
  }
  return { request, taken }
}
