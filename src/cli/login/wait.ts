/** Bounded, cancellable waiting for login: every wait ends by itself or on Ctrl-C. */
import { loginCancelled } from './errors.js'

/** Resolves after `ms`; rejects with "Login cancelled" as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(loginCancelled())
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(loginCancelled())
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Races `work` against a deadline and Ctrl-C. `onTimeout` builds the error for the deadline.
 * The timer and the listener are removed however it ends.
 */
export function bounded<T>(
  work: Promise<T>,
  o: { ms: number; signal: AbortSignal; onTimeout: () => Error },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (o.signal.aborted) return reject(loginCancelled())
    const cleanup = (): void => {
      clearTimeout(timer)
      o.signal.removeEventListener('abort', onAbort)
    }
    const onAbort = (): void => {
      cleanup()
      reject(loginCancelled())
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(o.onTimeout())
    }, o.ms)
    o.signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => (cleanup(), resolve(value)),
      (error: unknown) => (cleanup(), reject(error)),
    )
  })
}
