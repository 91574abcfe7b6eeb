/**
 * The one configuration object. Only this module reads the environment (STYLE rule 6): it merges, in order,
 * the defaults of the schema, an optional JSON config file (`CC_CONFIG_FILE`) and `CC_*` environment variables,
 * validates the result with zod and returns it frozen. Components receive their section through constructors.
 */
import { readFileSync } from 'node:fs'
import { type Config, type ConfigInput, configSchema } from './config-schema.js'
import { AppError } from './errors.js'

export { type Config, type ConfigInput, configSchema } from './config-schema.js'

/** Environment variable → config path. docs/configuration.md is generated from this list. */
export const envMap: Record<string, { path: string[]; doc: string }> = {
  CC_DATA_DIR: { path: ['dataDir'], doc: 'Directory for the SQLite store and generated secrets' },
  CC_LOG_LEVEL: { path: ['log', 'level'], doc: 'pino level: fatal … trace, or silent' },
  CC_MQTT_HOST: { path: ['mqtt', 'host'], doc: 'Address the MQTT listeners bind to' },
  CC_MQTT_PORT: { path: ['mqtt', 'port'], doc: 'MQTT over TCP' },
  CC_MQTT_WS_PORT: { path: ['mqtt', 'wsPort'], doc: 'MQTT over WebSocket' },
  CC_MQTT_WS_PATH: { path: ['mqtt', 'wsPath'], doc: 'WebSocket path' },
  CC_MQTT_TLS_PORT: { path: ['mqtt', 'tlsPort'], doc: 'MQTT over TLS (only when a certificate is set)' },
  CC_MQTT_TLS_CERT_FILE: { path: ['mqtt', 'tlsCertFile'], doc: 'PEM server certificate; enables TLS' },
  CC_MQTT_TLS_KEY_FILE: { path: ['mqtt', 'tlsKeyFile'], doc: 'PEM server key' },
  CC_MQTT_TLS_CA_FILE: {
    path: ['mqtt', 'tlsCaFile'],
    doc: 'PEM CA for client certificates (CN = device id)',
  },
  CC_MQTT_TLS_REQUIRE_CLIENT_CERT: {
    path: ['mqtt', 'tlsRequireClientCert'],
    doc: 'Refuse TLS clients without a certificate',
  },
  CC_MQTT_OPEN_MODE: { path: ['mqtt', 'openMode'], doc: 'DEVELOPMENT ONLY: anonymous clients, any topic' },
  CC_MQTT_MAX_PACKET_BYTES: { path: ['mqtt', 'maxPacketBytes'], doc: 'Largest MQTT packet accepted' },
  CC_MQTT_CONNECT_TIMEOUT_MS: {
    path: ['mqtt', 'connectTimeoutMs'],
    doc: 'Time allowed between TCP accept and CONNECT',
  },
  CC_MQTT_KEEPALIVE_MIN_S: { path: ['mqtt', 'keepaliveMinS'], doc: 'Smallest keepalive accepted (0 = none)' },
  CC_MQTT_KEEPALIVE_MAX_S: { path: ['mqtt', 'keepaliveMaxS'], doc: 'Largest keepalive accepted' },
  CC_MQTT_MAX_TOPIC_LEVELS: {
    path: ['mqtt', 'maxTopicLevels'],
    doc: 'Most topic levels in a PUBLISH/SUBSCRIBE',
  },
  CC_MQTT_MAX_CLIENT_ID_LENGTH: { path: ['mqtt', 'maxClientIdLength'], doc: 'Longest client id' },
  CC_MQTT_DRAIN_TIMEOUT_MS: {
    path: ['mqtt', 'drainTimeoutMs'],
    doc: 'A subscriber that does not drain in this time is cut',
  },
  CC_HTTP_HOST: { path: ['http', 'host'], doc: 'Address the HTTP API binds to' },
  CC_HTTP_PORT: { path: ['http', 'port'], doc: 'HTTP API port' },
  CC_ADMIN_TOKEN: {
    path: ['http', 'adminToken'],
    doc: 'Admin bearer token (generated and printed once if unset)',
  },
  CC_HTTP_BODY_LIMIT_BYTES: { path: ['http', 'bodyLimitBytes'], doc: 'Largest HTTP request body' },
  CC_STORE_FILE: { path: ['store', 'file'], doc: 'SQLite file, relative to the data directory' },
  CC_STORE_SYNCHRONOUS: {
    path: ['store', 'synchronous'],
    doc: '`full` (survives power loss) or `normal` (process crash only)',
  },
  CC_STORE_GROUP_COMMIT_MS: {
    path: ['store', 'groupCommitMs'],
    doc: 'Least time between two group commits; a message after a quiet spell commits at once',
  },
  CC_STORE_CHECKPOINT_MS: {
    path: ['store', 'checkpointMs'],
    doc: 'WAL checkpoint period, in a worker thread off the ingest path; 0: SQLite checkpoints inside commits',
  },
  CC_STORE_GROUP_COMMIT_MAX: {
    path: ['store', 'groupCommitMaxMessages'],
    doc: 'Most messages in one transaction',
  },
  CC_STORE_RETENTION_DAYS: {
    path: ['store', 'retentionDays'],
    doc: 'Days of raw readings kept (0 = forever)',
  },
  CC_INGEST_MAX_FUTURE_SKEW_MS: {
    path: ['ingest', 'maxFutureSkewMs'],
    doc: 'Device time this far ahead is rejected',
  },
  CC_INGEST_MAX_AGE_MS: { path: ['ingest', 'maxAgeMs'], doc: 'Device time this far behind is rejected' },
  CC_INGEST_TEMP_MIN_C: { path: ['ingest', 'tempMinC'], doc: 'Below this a temperature is a sensor fault' },
  CC_INGEST_TEMP_MAX_C: { path: ['ingest', 'tempMaxC'], doc: 'Above this a temperature is a sensor fault' },
  CC_ALERT_ACK_SLA_MINOR_MS: {
    path: ['alerts', 'ackSlaMinorMs'],
    doc: 'Minor alerts escalate when unacknowledged this long',
  },
  CC_ALERT_ACK_SLA_MAJOR_MS: {
    path: ['alerts', 'ackSlaMajorMs'],
    doc: 'Major alerts escalate when unacknowledged this long',
  },
  CC_ALERT_ACK_SLA_CRITICAL_MS: {
    path: ['alerts', 'ackSlaCriticalMs'],
    doc: 'Critical alerts escalate when unacknowledged this long',
  },
  CC_MONITORING_GAP_TICK_MS: {
    path: ['monitoring', 'gapTickMs'],
    doc: 'How often silent sensors are looked for (ongoing data gaps)',
  },
  CC_MONITORING_STALL_SWEEP_MS: {
    path: ['monitoring', 'stallSweepMs'],
    doc: 'How often waybills are checked for a stalled transit',
  },
  CC_MONITORING_CACHE_WAYBILLS: {
    path: ['monitoring', 'cacheWaybills'],
    doc: 'Engine states kept in memory (others rebuilt from the store)',
  },
  CC_AUTH_SCRYPT_LOG2N: { path: ['auth', 'scryptLog2N'], doc: 'scrypt cost (log2 N) for secrets and tokens' },
  CC_INFLUX_ENABLED: { path: ['influx', 'enabled'], doc: 'Feed raw telemetry to InfluxDB' },
  CC_INFLUX_URL: { path: ['influx', 'url'], doc: 'InfluxDB base URL (v2 write API)' },
  CC_INFLUX_ORG: { path: ['influx', 'org'], doc: 'InfluxDB organisation' },
  CC_INFLUX_BUCKET: { path: ['influx', 'bucket'], doc: 'InfluxDB bucket' },
  CC_INFLUX_TOKEN: { path: ['influx', 'token'], doc: 'InfluxDB API token' },
  CC_INFLUX_PRECISION: { path: ['influx', 'precision'], doc: 'Timestamp precision written: s, ms, us or ns' },
  CC_INFLUX_BATCH_SIZE: { path: ['influx', 'batchSize'], doc: 'Most rows in one write request' },
  CC_INFLUX_FLUSH_INTERVAL_MS: {
    path: ['influx', 'flushIntervalMs'],
    doc: 'Polling interval when caught up (latency)',
  },
  CC_INFLUX_TIMEOUT_MS: { path: ['influx', 'timeoutMs'], doc: 'Timeout of one write request' },
  CC_INFLUX_BACKOFF_MAX_MS: { path: ['influx', 'backoffMaxMs'], doc: 'Longest wait between failed writes' },
  CC_BRIDGE_ENABLED: { path: ['bridge', 'enabled'], doc: 'Also ingest from an external MQTT broker' },
  CC_BRIDGE_URL: { path: ['bridge', 'url'], doc: 'External broker URL (mqtt://, mqtts://, ws://, wss://)' },
  CC_BRIDGE_USERNAME: { path: ['bridge', 'username'], doc: 'Username at the external broker' },
  CC_BRIDGE_PASSWORD: { path: ['bridge', 'password'], doc: 'Password at the external broker' },
  CC_BRIDGE_CLIENT_ID: {
    path: ['bridge', 'clientId'],
    doc: 'Client id (stable: keeps the persistent session)',
  },
  CC_BRIDGE_TOPICS: { path: ['bridge', 'topics'], doc: 'Comma-separated subscriptions' },
  CC_BRIDGE_QOS: { path: ['bridge', 'qos'], doc: 'Subscription QoS' },
  CC_BRIDGE_CLEAN: { path: ['bridge', 'clean'], doc: 'Clean start (loses messages queued while away)' },
  CC_BRIDGE_SESSION_EXPIRY_S: {
    path: ['bridge', 'sessionExpiryS'],
    doc: 'How long the broker keeps the session',
  },
  CC_BRIDGE_UNKNOWN_DEVICES: {
    path: ['bridge', 'unknownDevices'],
    doc: '`accept` or `dead_letter` data of unregistered devices',
  },
  CC_BRIDGE_CA_FILE: { path: ['bridge', 'caFile'], doc: 'PEM CA of the external broker (mqtts/wss)' },
  CC_WRITEBACK_ENABLED: { path: ['writeback', 'enabled'], doc: 'Run the writeback relay and trail batches' },
  CC_WRITEBACK_SECRET_KEY: {
    path: ['writeback', 'secretKey'],
    doc: 'Key for platform credentials at rest (32 bytes, base64 or hex)',
  },
  CC_WRITEBACK_CARRIER: { path: ['writeback', 'carrier'], doc: "The courier's own carrier code" },
  CC_WRITEBACK_MAX_AGE_MS: {
    path: ['writeback', 'maxAgeMs'],
    doc: 'Undelivered rows are dead-lettered after this long',
  },
  CC_WRITEBACK_BACKOFF_MAX_MS: { path: ['writeback', 'backoffMaxMs'], doc: 'Longest wait between retries' },
  CC_WRITEBACK_REQUEST_TIMEOUT_MS: {
    path: ['writeback', 'requestTimeoutMs'],
    doc: 'Timeout of one platform request',
  },
  CC_WRITEBACK_CONCURRENCY: {
    path: ['writeback', 'concurrency'],
    doc: 'Concurrent requests per target (default)',
  },
  CC_WRITEBACK_FAILING_ALERT_MS: {
    path: ['writeback', 'failingAlertMs'],
    doc: 'A target failing this long raises an alert',
  },
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== 'object' || next === null) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[path[path.length - 1] as string] = value
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prev && typeof prev === 'object'
        ? mergeDeep(prev as Record<string, unknown>, value as Record<string, unknown>)
        : value
  }
  return out
}

/**
 * Builds the configuration: schema defaults < `overrides` (what a caller such as a test passes) < config file <
 * environment. Throws AppError CONFIG_INVALID naming every bad key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigInput = {}): Config {
  let raw: Record<string, unknown> = overrides as Record<string, unknown>
  const file = env.CC_CONFIG_FILE
  if (file) {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new AppError('CONFIG_INVALID', `cannot read config file ${file}: ${(err as Error).message}`)
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new AppError('CONFIG_INVALID', `config file ${file} must hold a JSON object`)
    }
    raw = mergeDeep(raw, parsed as Record<string, unknown>)
  }
  const fromEnv: Record<string, unknown> = {}
  for (const [name, { path }] of Object.entries(envMap)) {
    const value = env[name]
    if (value !== undefined && value !== '') setPath(fromEnv, path, value)
  }
  raw = mergeDeep(raw, fromEnv)
  const result = configSchema.safeParse(raw)
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ key: i.path.join('.'), problem: i.message }))
    throw new AppError(
      'CONFIG_INVALID',
      `invalid configuration: ${issues.map((i) => `${i.key}: ${i.problem}`).join('; ')}`,
      { issues },
    )
  }
  return Object.freeze(result.data) as Config
}
