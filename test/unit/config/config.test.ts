import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { configSchema, envMap, loadConfig } from '../../../src/config.js'

describe('configuration', () => {
  it('runs on embedded defaults with no environment at all', () => {
    const config = loadConfig({})
    expect(config.mqtt.port).toBe(1883)
    expect(config.http.port).toBe(8080)
    expect(config.mqtt.openMode).toBe(false)
    expect(config.store.file).toBe('gateway.db')
  })

  it('takes CC_ environment variables over a config file over defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-config-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ mqtt: { port: 1999, keepaliveMaxS: 60 }, http: { port: 9000 } }))
    const config = loadConfig({ CC_CONFIG_FILE: file, CC_MQTT_PORT: '2883', CC_MQTT_OPEN_MODE: 'true' })
    expect(config.mqtt.port).toBe(2883)
    expect(config.mqtt.keepaliveMaxS).toBe(60)
    expect(config.http.port).toBe(9000)
    expect(config.mqtt.openMode).toBe(true)
  })

  it('names every bad key in one clear error', () => {
    expect(() => loadConfig({ CC_MQTT_PORT: 'eighty', CC_LOG_LEVEL: 'loud' })).toThrowError(
      /mqtt\.port.*log\.level|log\.level.*mqtt\.port/,
    )
  })

  it('refuses a config file that is not a JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-config-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, '[1,2]')
    expect(() => loadConfig({ CC_CONFIG_FILE: file })).toThrowError(/JSON object/)
  })

  it('maps every documented variable to a key of the schema', () => {
    const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonObject
    for (const [name, { path }] of Object.entries(envMap)) {
      let node: JsonObject | undefined = schema
      for (const key of path) node = node?.properties?.[key]
      expect(node, `${name} → ${path.join('.')}`).toBeDefined()
    }
  })
})

interface JsonObject {
  properties?: Record<string, JsonObject>
}
