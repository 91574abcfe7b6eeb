/**
 * Demo credentials for every platform, so `npm run sandbox` and the demos work out of the box. They are not
 * secrets of any real account; a test or deployment passes its own (`startSandbox({ credentials })`).
 */
import type { SandboxCredentials } from './types.js'

export const demoCredentials: SandboxCredentials = {
  // base64 of "sandbox-webhook-secret-0001" (27 bytes)
  webhook: { secrets: [`whsec_${Buffer.from('sandbox-webhook-secret-0001').toString('base64')}`] },
  kdniao: { eBusinessId: '1000001', appKey: 'sandbox-kdniao-appkey' },
  cainiao: { logisticProviderId: 'SANDBOX_CP', secretKey: 'sandbox-cainiao-secret' },
  taobao: { appKey: '12345678', appSecret: 'sandbox-top-secret', session: 'sandbox-session' },
  douyin: {
    appKey: '7000000000000000001',
    appSecret: 'sandbox-douyin-secret',
    accessToken: 'sandbox-douyin-token',
  },
  pinduoduo: {
    clientId: 'sandbox-pdd-client',
    clientSecret: 'sandbox-pdd-secret',
    accessToken: 'sandbox-pdd-token',
  },
  jd: { appKey: 'sandbox-jd-appkey', appSecret: 'sandbox-jd-secret', accessToken: 'sandbox-jd-token' },
}

export type CredentialOverrides = { [P in keyof SandboxCredentials]?: Partial<SandboxCredentials[P]> }

/** Per-platform overrides merged over the demo credentials. */
export function mergeCredentials(overrides: CredentialOverrides = {}): SandboxCredentials {
  const merged = { ...demoCredentials } as Record<string, unknown>
  for (const [name, value] of Object.entries(overrides)) {
    merged[name] = { ...(demoCredentials as unknown as Record<string, object>)[name], ...value }
  }
  return merged as unknown as SandboxCredentials
}
