/** Sending adapter requests to the sandbox over real HTTP (loopback). */

import type { Sandbox } from '../../../simulator/sandbox/index.js'
import { adapterFor } from '../../../src/writeback/adapters/index.js'
import type {
  OutboundRequest,
  PlatformReply,
  TargetKind,
  WritebackEvent,
} from '../../../src/writeback/types.js'
import { type PlatformCredentials, target } from '../../unit/writeback/fixtures.js'

export async function send(req: OutboundRequest): Promise<PlatformReply> {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body })
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    headers[name] = value
  })
  return { status: res.status, headers, body: await res.text() }
}

/** A target of `kind` at the sandbox, with the sandbox's credentials or overrides of them. */
export function sandboxTarget(
  kind: TargetKind,
  sandbox: Sandbox,
  credentials: Partial<PlatformCredentials> = {},
) {
  return target(kind, sandbox.url, { ...sandbox.credentials, ...credentials })
}

/** Builds with the adapter, sends, parses: what the relay will do for one attempt. */
export async function deliver(kind: TargetKind, sandbox: Sandbox, event: WritebackEvent, now: number) {
  const adapter = adapterFor(kind)
  const reply = await send(adapter.buildRequest(event, sandboxTarget(kind, sandbox) as never, now))
  return { reply, outcome: adapter.parseReply(reply, now) }
}

export const kinds: TargetKind[] = ['webhook', 'kdniao', 'cainiao', 'taobao', 'douyin', 'pinduoduo', 'jd']
