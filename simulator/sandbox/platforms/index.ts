/** The platforms the sandbox plays, by name, and the path each is served at. */
import type { PlatformHandler, PlatformName } from '../types.js'
import { cainiaoPlatform } from './cainiao.js'
import { douyinPlatform } from './douyin.js'
import { jdPlatform } from './jd.js'
import { kdniaoPlatform } from './kdniao.js'
import { pinduoduoPlatform } from './pinduoduo.js'
import { taobaoPlatform } from './taobao.js'
import { webhookPlatform } from './webhook.js'

export const platforms: { [P in PlatformName]: PlatformHandler<P> } = {
  webhook: webhookPlatform,
  kdniao: kdniaoPlatform,
  cainiao: cainiaoPlatform,
  taobao: taobaoPlatform,
  douyin: douyinPlatform,
  pinduoduo: pinduoduoPlatform,
  jd: jdPlatform,
}

/** Path → platform. Webhooks take any name (`/webhook/<name>`); Douyin any method path under `/douyin/`. */
export const routes: { platform: PlatformName; pattern: RegExp; example: string }[] = [
  { platform: 'webhook', pattern: /^\/webhook\/[^/]+$/, example: '/webhook/<name>' },
  { platform: 'kdniao', pattern: /^\/kdniao$/, example: '/kdniao' },
  { platform: 'cainiao', pattern: /^\/cainiao$/, example: '/cainiao' },
  { platform: 'taobao', pattern: /^\/taobao\/router\/rest$/, example: '/taobao/router/rest' },
  { platform: 'douyin', pattern: /^\/douyin\/.+$/, example: '/douyin/order/logisticsAdd' },
  { platform: 'pinduoduo', pattern: /^\/pdd\/api\/router$/, example: '/pdd/api/router' },
  { platform: 'jd', pattern: /^\/jd\/routerjson$/, example: '/jd/routerjson' },
]

export function route(path: string): PlatformName | null {
  return routes.find((r) => r.pattern.test(path))?.platform ?? null
}
