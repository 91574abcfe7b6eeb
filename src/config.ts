/**
 * The one configuration object. Only this module reads the environment (STYLE rule 6): it merges, in order,
 * the defaults of the schema, an optional JSON config file (`CC_CONFIG_FILE`) and `CC_*` environment variables,
 * validates the result with zod and returns it frozen. Components receive their section through constructors.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { AppError } from './errors.js'

const port = z.coerce.number().int().min(0).max(65535)
const ms = z.coerce.number().int().min(0)
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 'yes'))

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  mqtt: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(1883),
      wsPort: port.default(9080),
      wsPath: z.string().default('/mqtt'),
      tlsPort: port.default(8883),
      tlsCertFile: z.string().optional(),
      tlsKeyFile: z.string().optional(),
      tlsCaFile: z.string().optional(),
      /** When a CA is configured, a client certificate whose CN is the device id authenticates the device. */
      tlsRequireClientCert: bool.default(false),
      /** Anonymous clients on any topic. Development only; logged as a warning at start. */
      openMode: bool.default(false),
      maxPacketBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .max(268_435_455)
        .default(256 * 1024),
      connectTimeoutMs: ms.default(10_000),
      keepaliveMinS: z.coerce.number().int().min(0).default(5),
      keepaliveMaxS: z.coerce.number().int().min(0).default(1200),
      maxTopicLevels: z.coerce.number().int().min(3).max(100).default(8),
      maxClientIdLength: z.coerce.number().int().min(1).max(65535).default(128),
      drainTimeoutMs: ms.default(5_000),
    })
    .prefault({}),
  http: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(8080),
      /** Admin bearer token. When absent, one is generated on first start, printed once and kept hashed. */
      adminToken: z.string().min(16).optional(),
      bodyLimitBytes: z.coerce
        .number()
        .int()
        .min(1024)
        .default(4 * 1024 * 1024),
    })
    .prefault({}),
  store: z
    .object({
      /** SQLite file; relative paths are resolved against `dataDir`. `:memory:` for throwaway runs. */
      file: z.string().default('gateway.db'),
      /** SQLite `synchronous` in WAL mode: `full` survives power loss, `normal` only process crashes. */
      synchronous: z.enum(['full', 'normal']).default('full'),
      groupCommitMs: z.coerce.number().min(0).max(100).default(2),
      groupCommitMaxMessages: z.coerce.number().int().min(1).default(2000),
      /** Raw readings older than this (device time) are deleted; 0 keeps them forever. */
      retentionDays: z.coerce.number().min(0).default(400),
      retentionSweepMs: ms.default(3_600_000),
    })
    .prefault({}),
  ingest: z
    .object({
      /** Device timestamps further ahead of receive time than this are rejected. */
      maxFutureSkewMs: ms.default(10 * 60_000),
      /** Device timestamps older than this (relative to receive time) are rejected. */
      maxAgeMs: ms.default(30 * 24 * 3_600_000),
      /** Physically plausible sensor range; outside it a value is a sensor fault, stored as such. */
      tempMinC: z.coerce.number().default(-60),
      tempMaxC: z.coerce.number().default(85),
      maxBatchReadings: z.coerce.number().int().min(1).default(5000),
      deadLetterSampleBytes: z.coerce.number().int().min(0).default(512),
    })
    .prefault({}),
  alerts: z
    .object({
      /** Time to acknowledge before an alert escalates, per severity; it escalates again every period after. */
      ackSlaMinorMs: ms.default(10 * 60_000),
      ackSlaMajorMs: ms.default(10 * 60_000),
      ackSlaCriticalMs: ms.default(10 * 60_000),
      escalationSweepMs: ms.default(5_000),
    })
    .prefault({}),
  /** The excursion engine at run time (src/monitoring): timers, stall limits, memory bounds. */
  monitoring: z
    .object({
      /** How often silent sensors are looked for (an ongoing data gap raises an alert before data returns). */
      gapTickMs: z.coerce.number().int().min(100).default(30_000),
      /** How often waybills are checked for a stalled transit. */
      stallSweepMs: z.coerce.number().int().min(100).default(60_000),
      /** Longest time without a tracking node per SLA tier (src/rules/stall.ts explains the defaults). */
      stallSameDayMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(3 * 3_600_000),
      stallNextDayMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(8 * 3_600_000),
      stallStandardMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(24 * 3_600_000),
      /**
       * Engine states kept in memory (about 8 KB each at a reading every 2 min, 15 KB at one a minute); the
       * least recently used beyond this are rebuilt from the store when next needed.
       */
      cacheWaybills: z.coerce.number().int().min(1).default(20_000),
      /** Re-evaluation window per waybill: older late readings are re-evaluated from the store instead. */
      windowSpanMs: z.coerce
        .number()
        .int()
        .min(60_000)
        .default(6 * 3_600_000),
      windowMaxReadings: z.coerce.number().int().min(64).default(512),
      /**
       * States rebuilt from the store per gap-tick slice (1000 waybills) at most: bounds the tick's work after
       * a restart; readings rebuild the states of their waybills anyway.
       */
      rebuildsPerTick: z.coerce.number().int().min(1).default(20),
    })
    .prefault({}),
  auth: z
    .object({
      /** scrypt cost for device secrets and API tokens (N = 2^log2N). */
      scryptLog2N: z.coerce.number().int().min(10).max(20).default(14),
    })
    .prefault({}),
  /** The InfluxDB telemetry sink (docs/influx-schema.md): fed from the store through a durable cursor. */
  influx: z
    .object({
      /** Off by default: the embedded default needs no server. */
      enabled: bool.default(false),
      /** Base URL of an InfluxDB v2 compatible write API (InfluxDB 2/3, VictoriaMetrics). */
      url: z.string().url().default('http://127.0.0.1:8086'),
      org: z.string().default('coldchain'),
      bucket: z.string().min(1).default('telemetry'),
      token: z.string().optional(),
      precision: z.enum(['s', 'ms', 'us', 'ns']).default('ms'),
      /** Most rows of one stream sent in one write request. */
      batchSize: z.coerce.number().int().min(1).max(50_000).default(5000),
      /** How often the sink looks for new rows when it is caught up: the latency floor. */
      flushIntervalMs: z.coerce.number().int().min(10).default(200),
      timeoutMs: z.coerce.number().int().min(100).default(10_000),
      /** Backoff after a failed write: doubles from min up to max. */
      backoffMinMs: z.coerce.number().int().min(10).default(500),
      backoffMaxMs: z.coerce.number().int().min(10).default(30_000),
      /** How long stop() waits for an in-flight write. */
      stopTimeoutMs: ms.default(5_000),
    })
    .prefault({}),
  /** The bridge: the gateway as an MQTT client of an external broker (Mosquitto, EMQX), ingesting its devices. */
  bridge: z
    .object({
      enabled: bool.default(false),
      url: z.string().default('mqtt://127.0.0.1:1883'),
      username: z.string().optional(),
      password: z.string().optional(),
      /** Stable, so the broker keeps the session (and queued QoS 1 messages) while the gateway is down. */
      clientId: z.string().min(1).default('coldchain-gateway-bridge'),
      topics: z
        .union([z.array(z.string().min(1)), z.string()])
        .transform((v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean)
            : v,
        )
        .pipe(z.array(z.string().min(1)).min(1))
        .default(['cc/+/telemetry', 'cc/+/scan', 'cc/+/status']),
      qos: z.coerce.number().int().min(0).max(2).default(1),
      /** false: a persistent session, so messages published while the gateway is down are delivered later. */
      clean: bool.default(false),
      /** MQTT 5 session expiry: how long the broker keeps the session while the gateway is away. */
      sessionExpiryS: z.coerce
        .number()
        .int()
        .min(0)
        .default(7 * 86_400),
      /** Devices the registry does not know: `accept` stores their data (kind unchecked), `dead_letter` refuses it. */
      unknownDevices: z.enum(['accept', 'dead_letter']).default('accept'),
      caFile: z.string().optional(),
      reconnectMs: ms.default(1_000),
      /** How long stop() waits for the message being committed before it disconnects. */
      drainTimeoutMs: ms.default(5_000),
    })
    .prefault({}),
  /** Writeback to the platforms (README "Platforms"): the outbox relay and the temperature trail batches. */
  writeback: z
    .object({
      /** Run the relay and the trail scheduler; rows are written to the outbox either way. */
      enabled: bool.default(true),
      /**
       * AES-256-GCM key for platform credentials at rest: 32 bytes as base64 or hex. When absent, a key is
       * generated once into `secretKeyFile` (mode 0600) in the data directory; back it up with the store.
       */
      secretKey: z.string().optional(),
      secretKeyFile: z.string().min(1).default('writeback.key'),
      /** The courier's own carrier code; each target maps it to the platform's code (`carrierCodes`). */
      carrier: z.string().min(1).default('CC'),
      /** A row still undelivered this long after its event is dead-lettered (Stripe: 3 days). */
      maxAgeMs: ms.default(3 * 86_400_000),
      /** Retry delays: full jitter over base·2^(attempt−1), capped (docs in src/writeback/relay/backoff.ts). */
      backoffBaseMs: z.coerce.number().int().min(1).default(1_000),
      backoffMaxMs: z.coerce
        .number()
        .int()
        .min(1)
        .default(10 * 60_000),
      /** A platform's Retry-After is obeyed up to this long. */
      maxRetryAfterMs: ms.default(3_600_000),
      requestTimeoutMs: z.coerce.number().int().min(100).default(10_000),
      /** Periodic scan for due retries (new rows wake the relay at once). */
      scanIntervalMs: z.coerce.number().int().min(10).default(1_000),
      /** Dead-letter sweep, purge of old delivered rows and the outbox gauges. */
      sweepIntervalMs: z.coerce.number().int().min(100).default(10_000),
      /** Delivered rows are deleted after this long; 0 keeps them. */
      deliveredRetentionMs: ms.default(7 * 86_400_000),
      /** Delivery outcomes are committed at most this often under load (one fsync for many); 0 = at once. */
      outcomeFlushMs: ms.default(5),
      /** Concurrent requests per target unless the target sets its own. */
      concurrency: z.coerce.number().int().min(1).max(256).default(32),
      /** A target failing this long raises a `writeback_failing` alert. */
      failingAlertMs: ms.default(10 * 60_000),
      /** A tracking node acknowledged later than this after its scan counts as a late return. */
      lateNodeMs: ms.default(60_000),
      /** How often the trail scheduler looks for waybills whose batch is due. */
      trailSweepMs: z.coerce.number().int().min(100).default(30_000),
    })
    .prefault({}),
})

export type Config = z.infer<typeof configSchema>

/** Environment variable → config path. The README's configuration table is generated from this list. */
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
  CC_STORE_GROUP_COMMIT_MS: { path: ['store', 'groupCommitMs'], doc: 'Longest wait before a group commit' },
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

export type ConfigInput = z.input<typeof configSchema>

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
