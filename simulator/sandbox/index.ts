/** The platform sandbox, for tests and tools: `startSandbox`, its options and the recorded-request types. */

export type { CredentialOverrides } from './credentials.js'
export { demoCredentials } from './credentials.js'
export type { Sandbox, SandboxOptions } from './sandbox.js'
export { startSandbox } from './sandbox.js'
export type { Fault, PlatformName, RecordedRequest, RequestFilter, SandboxCredentials } from './types.js'
export { platformNames } from './types.js'
