/**
 * Test scaffolding for the simulator, standing in for the gateway while it is being built: a throwaway aedes
 * broker that authenticates devices against the secrets a tiny fake HTTP API hands out, and records what it
 * receives. Loopback only, ephemeral ports.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'

/** A received HTTP request. */
export interface Call {
  method: string
  path: string
  auth: string | undefined
  body: unknown
}

/** A fake of the gateway's device/order/alert API and of the sandbox's fault control. */
export interface FakeApi {
  url: string
  calls: Call[]
  secrets: Map<string, string>
  /** What GET /api/v1/alerts answers (one page). */
  alerts: unknown[]
  /** The waybill number the fake assigns to an order: the asked one by default. */
  assignWaybill: (asked: string) => string
  close(): Promise<void>
}

export async function startFakeApi(token: string): Promise<FakeApi> {
  const api: FakeApi = {
    url: '',
    calls: [],
    secrets: new Map(),
    alerts: [],
    assignWaybill: (w) => w,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  let n = 0
  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    const path = req.url ?? '/'
    api.calls.push({ method: req.method ?? '', path, auth: req.headers.authorization, body })
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(json))
    }
    if (path.startsWith('/_sandbox/')) return reply(200, {})
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { code: 'UNAUTHORIZED' })
    const rotate = /^\/api\/v1\/devices\/([^/]+)\/secret$/.exec(path)
    if (req.method === 'POST' && path === '/api/v1/devices') {
      const { id } = body as { id: string }
      if (api.secrets.has(id)) return reply(409, { code: 'CONFLICT' })
      const secret = `s-${id}-${++n}`
      api.secrets.set(id, secret)
      return reply(201, { ...(body as object), secret })
    }
    if (req.method === 'POST' && rotate) {
      const id = decodeURIComponent(rotate[1] as string)
      const secret = `r-${id}-${++n}`
      api.secrets.set(id, secret)
      return reply(200, { secret })
    }
    if (req.method === 'POST' && path === '/api/v1/orders') {
      const { waybillNo } = body as { waybillNo: string }
      return reply(201, { id: `ord-${++n}`, waybills: [api.assignWaybill(waybillNo)] })
    }
    if (req.method === 'GET' && path.startsWith('/api/v1/alerts'))
      return reply(200, { items: api.alerts, next: null })
    reply(404, { code: 'NOT_FOUND' })
  })
  api.url = `http://127.0.0.1:${await listen(server)}`
  return api
}

/** A received MQTT publish. */
export interface Received {
  clientId: string
  topic: string
  payload: string
  retain: boolean
  qos: number
}

/** An aedes broker on an ephemeral port that accepts only the fake API's current secrets. */
export async function startBroker(secrets: Map<string, string>) {
  const broker = await Aedes.createBroker()
  const received: Received[] = []
  broker.authenticate = (client, username, password, done) => {
    const ok =
      username === client.id && password !== undefined && secrets.get(username) === password.toString()
    done(null, ok)
  }
  broker.on('publish', (packet, client) => {
    // Wills are published with the dead client; retained status is what we check.
    const clientId = client?.id ?? (packet.topic.split('/')[1] as string)
    if (packet.topic.startsWith('$SYS')) return
    received.push({
      clientId,
      topic: packet.topic,
      payload: packet.payload.toString(),
      retain: packet.retain,
      qos: packet.qos,
    })
  })
  const server = net.createServer(broker.handle)
  const port = await listen(server)
  return {
    url: `mqtt://127.0.0.1:${port}`,
    received,
    broker,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => broker.close(() => resolve()))
    },
  }
}

async function listen(server: Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return (server.address() as AddressInfo).port
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString()
  return text ? (JSON.parse(text) as unknown) : undefined
}
