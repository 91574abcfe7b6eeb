/**
 * Starts a real gateway in-process for integration tests: temp data directory, every port ephemeral on
 * 127.0.0.1, a known admin token, cheap scrypt cost. `stop()` tears it down.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { Gateway, type GatewayPorts } from '../../gateway/gateway.js'
import { type ConfigInput, loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/log.js'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'

export interface TestGateway {
  gateway: Gateway
  ports: GatewayPorts
  dataDir: string
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }>
  registerDevice(
    id: string,
    kind: 'truck_sensor' | 'box_sensor' | 'scanner',
    extra?: Record<string, unknown>,
  ): Promise<string>
  connect(id: string, secret: string, options?: IClientOptions): Promise<MqttClient>
  stop(): Promise<void>
}

export async function startTestGateway(
  overrides: ConfigInput = {},
  options: { clock?: () => number } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-gw-'))
  const config = loadConfig(
    {},
    {
      ...overrides,
      dataDir,
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent', ...overrides.log } as ConfigInput['log'],
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0, ...overrides.mqtt },
      http: { host: '127.0.0.1', port: 0, adminToken: ADMIN_TOKEN, ...overrides.http },
      auth: { scryptLog2N: 10, ...overrides.auth },
      store: { groupCommitMs: 1, ...overrides.store },
    },
  )
  const gateway = new Gateway(config, { log: createLogger(config.log), clock: options.clock })
  const ports = await gateway.start()
  const clients: MqttClient[] = []
  const base = `http://127.0.0.1:${ports.http}`

  const api: TestGateway['api'] = async (method, path, body, token = ADMIN_TOKEN) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never }
  }

  return {
    gateway,
    ports,
    dataDir,
    api,
    async registerDevice(id, kind, extra = {}) {
      const res = await api<{ secret: string }>('POST', '/api/v1/devices', { id, kind, ...extra })
      if (res.status !== 201) throw new Error(`register ${id}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.secret
    },
    async connect(id, secret, options = {}) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
        clientId: id,
        username: id,
        password: secret,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...options,
      })
      clients.push(client)
      return client
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})))
      await gateway.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
