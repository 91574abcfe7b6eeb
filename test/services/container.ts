/**
 * A test service in a container (testcontainers), published on a fixed host port so that `halt`/`resume`
 * (docker stop / docker start of the same container, data kept in the container) leave its address unchanged.
 */
import type { Content } from 'testcontainers'
import { freePort, type ServiceHandle, waitFor } from './service.js'

export interface ContainerSpec {
  image: string
  /** The port the server listens on inside the container. */
  port: number
  env?: Record<string, string>
  files?: Array<{ content: Content; target: string }>
  command?: string[]
  ready: (host: string, port: number) => Promise<boolean>
}

export async function startContainer(spec: ContainerSpec): Promise<ServiceHandle> {
  const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers')
  const hostPort = await freePort()
  let builder = new GenericContainer(spec.image)
    .withExposedPorts({ container: spec.port, host: hostPort })
    .withEnvironment(spec.env ?? {})
    .withStartupTimeout(120_000)
  if (spec.files) builder = builder.withCopyContentToContainer(spec.files)
  if (spec.command) builder = builder.withCommand(spec.command)
  const started = await builder.start()
  const host = started.getHost()
  const ready = () => waitFor(`${spec.image} to be ready`, () => spec.ready(host, hostPort), 60_000, 200)
  await ready()
  const runtime = await getContainerRuntimeClient()
  const container = runtime.container.getById(started.getId())
  return {
    host,
    port: hostPort,
    halt: () => runtime.container.stop(container, { timeout: 10 }),
    resume: async () => {
      await runtime.container.start(container)
      await ready()
    },
    stop: async () => {
      await started.stop({ timeout: 10_000 })
    },
  }
}
