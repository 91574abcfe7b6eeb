/**
 * aedes calls its hooks without try/catch, often from a socket's 'readable' handler: a throw there would be an
 * uncaught exception and take the process down. Every hook runs through `runHook`, which answers a throwing
 * hook with a refusal (logged), and answers aedes at most once even if aedes itself throws from inside the
 * answer.
 */
import type { Logger } from '../../src/log.js'

export function runHook<A extends unknown[]>(
  log: Logger,
  hook: string,
  callback: (...args: A) => void,
  refusal: (err: Error) => A,
  body: (answer: (...args: A) => void) => void,
): void {
  let answered = false
  const answer = (...args: A): void => {
    if (answered) return
    answered = true
    try {
      callback(...args)
    } catch (err) {
      log.error({ err, hook }, 'broker threw while handling a hook answer')
    }
  }
  try {
    body(answer)
  } catch (err) {
    log.error({ err, hook }, 'broker hook threw; refusing')
    answer(...refusal(err instanceof Error ? err : new Error(String(err))))
  }
}
