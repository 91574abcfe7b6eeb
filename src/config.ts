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
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) =>
  typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 'yes',
)

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
      maxPacketBytes: z.coerce.number().int().min(1024).max(268_435_455).default(256 * 1024),
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
      bodyLimitBytes: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
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
  auth: z
    .object({
      /** scrypt cost for device secrets and API tokens (N = 2^log2N). */
      scryptLog2N: z.coerce.number().int().min(10).max(20).default(14),
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
  CC_MQTT_TLS_CA_FILE: { path: ['mqtt', 'tlsCaFile'], doc: 'PEM CA for client certificates (CN = device id)' },
  CC_MQTT_TLS_REQUIRE_CLIENT_CERT: { path: ['mqtt', 'tlsRequireClientCert'], doc: 'Refuse TLS clients without a certificate' },
  CC_MQTT_OPEN_MODE: { path: ['mqtt', 'openMode'], doc: 'DEVELOPMENT ONLY: anonymous clients, any topic' },
  CC_MQTT_MAX_PACKET_BYTES: { path: ['mqtt', 'maxPacketBytes'], doc: 'Largest MQTT packet accepted' },
  CC_MQTT_CONNECT_TIMEOUT_MS: { path: ['mqtt', 'connectTimeoutMs'], doc: 'Time allowed between TCP accept and CONNECT' },
  CC_MQTT_KEEPALIVE_MIN_S: { path: ['mqtt', 'keepaliveMinS'], doc: 'Smallest keepalive accepted (0 = none)' },
  CC_MQTT_KEEPALIVE_MAX_S: { path: ['mqtt', 'keepaliveMaxS'], doc: 'Largest keepalive accepted' },
  CC_MQTT_MAX_TOPIC_LEVELS: { path: ['mqtt', 'maxTopicLevels'], doc: 'Most topic levels in a PUBLISH/SUBSCRIBE' },
  CC_MQTT_MAX_CLIENT_ID_LENGTH: { path: ['mqtt', 'maxClientIdLength'], doc: 'Longest client id' },
  CC_MQTT_DRAIN_TIMEOUT_MS: { path: ['mqtt', 'drainTimeoutMs'], doc: 'A subscriber that does not drain in this time is cut' },
  CC_HTTP_HOST: { path: ['http', 'host'], doc: 'Address the HTTP API binds to' },
  CC_HTTP_PORT: { path: ['http', 'port'], doc: 'HTTP API port' },
  CC_ADMIN_TOKEN: { path: ['http', 'adminToken'], doc: 'Admin bearer token (generated and printed once if unset)' },
  CC_HTTP_BODY_LIMIT_BYTES: { path: ['http', 'bodyLimitBytes'], doc: 'Largest HTTP request body' },
  CC_STORE_FILE: { path: ['store', 'file'], doc: 'SQLite file, relative to the data directory' },
  CC_STORE_SYNCHRONOUS: { path: ['store', 'synchronous'], doc: '`full` (survives power loss) or `normal` (process crash only)' },
  CC_STORE_GROUP_COMMIT_MS: { path: ['store', 'groupCommitMs'], doc: 'Longest wait before a group commit' },
  CC_STORE_GROUP_COMMIT_MAX: { path: ['store', 'groupCommitMaxMessages'], doc: 'Most messages in one transaction' },
  CC_STORE_RETENTION_DAYS: { path: ['store', 'retentionDays'], doc: 'Days of raw readings kept (0 = forever)' },
  CC_INGEST_MAX_FUTURE_SKEW_MS: { path: ['ingest', 'maxFutureSkewMs'], doc: 'Device time this far ahead is rejected' },
  CC_INGEST_MAX_AGE_MS: { path: ['ingest', 'maxAgeMs'], doc: 'Device time this far behind is rejected' },
  CC_INGEST_TEMP_MIN_C: { path: ['ingest', 'tempMinC'], doc: 'Below this a temperature is a sensor fault' },
  CC_INGEST_TEMP_MAX_C: { path: ['ingest', 'tempMaxC'], doc: 'Above this a temperature is a sensor fault' },
  CC_AUTH_SCRYPT_LOG2N: { path: ['auth', 'scryptLog2N'], doc: 'scrypt cost (log2 N) for secrets and tokens' },
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
