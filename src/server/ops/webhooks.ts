/**
 * Connection events to `ZOHO_AUTH_WEBHOOK_URL`, signed as Standard Webhooks do
 * (webhook-signature.ts). Each event is delivered in the background and retried with
 * exponential backoff and jitter on a network error or a non-2xx answer, a bounded number of
 * times, with the same `webhook-id` every time (receivers deduplicate on it) and a fresh
 * timestamp and signature (receivers refuse old timestamps). Deliveries are independent, so
 * their order is not guaranteed: the body's `timestamp` says when the event happened.
 *
 * A body is `{type, connection, timestamp, …details}`: the connection id and non-secret details
 * (dc, status, reason, email). Whatever a caller passes, a field named like a token or secret is
 * dropped and every string is redacted: a webhook never carries a token. docs/operations.md
 * shows a receiver how to verify a delivery.
 */
import { randomBytes } from 'node:crypto'
import { ConfigError } from '../../config-error.js'
import { redact } from '../../protocol/redact.js'
import type { BrokerLogger } from '../deps.js'
import { parseWebhookSecret, signWebhook } from './webhook-signature.js'

export { parseWebhookSecret, signWebhook } from './webhook-signature.js'

/** The events the broker sends. */
export type WebhookEventType =
  | 'connection.created'
  | 'connection.refresh_failed'
  | 'connection.needs_reauth'
  | 'connection.revoked'
  | 'connection.deleted'

/** What an event says besides its type and time: the connection id and non-secret details. */
export type WebhookData = { connection: string } & Record<string, unknown>

export interface WebhookSender {
  /** Queues an event; delivery (with retries) happens in the background. */
  send(type: WebhookEventType, data: WebhookData): void
  /** Stops retrying and waits (bounded) for deliveries in flight. */
  close(): Promise<void>
}

export interface WebhookSenderOptions {
  url: string
  /** `whsec_<base64>` (ZOHO_AUTH_WEBHOOK_SECRET). */
  secret: string
  fetch: typeof fetch
  logger: BrokerLogger
  now: () => number
  /** Waits between attempts; default a timer. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Attempts per event, the first included; default 6 (about a minute of retries). */
  maxAttempts?: number
  /** First pause; it doubles per attempt up to maxDelayMs. Default 1 s and 30 s. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Per attempt; default 10 s. */
  timeoutMs?: number
  /** How long close() waits for deliveries in flight; default 5 s. */
  closeTimeoutMs?: number
  /** Deliveries pending at once beyond which new events are dropped (and logged); default 1000. */
  maxPending?: number
}

const SECRET_KEY = /token|secret|password|authorization|cookie|verifier|^code$/i

/** A `webhook-id`: `msg_` and 16 random bytes. */
export function webhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`
}

function safeValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').map(redact)
  return undefined
}

/** The JSON body of an event: flat, non-secret fields only. */
export function webhookBody(type: WebhookEventType, data: WebhookData, now: number): string {
  const details: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(data)) {
    if (key === 'type' || key === 'timestamp' || key === 'connection' || SECRET_KEY.test(key)) {
      continue
    }
    const safe = safeValue(value)
    if (safe !== undefined) details[key] = safe
  }
  return JSON.stringify({
    type,
    connection: data.connection,
    timestamp: new Date(now).toISOString(),
    ...details,
  })
}

function checkedURL(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(
      'ZOHO_AUTH_WEBHOOK_URL is not a URL',
      'Set ZOHO_AUTH_WEBHOOK_URL to the https:// address of the endpoint that receives the events.',
    )
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(
      `ZOHO_AUTH_WEBHOOK_URL uses ${parsed.protocol}, not http(s)`,
      'Set ZOHO_AUTH_WEBHOOK_URL to an https:// address.',
    )
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError(
      'ZOHO_AUTH_WEBHOOK_URL carries a user name or password',
      'Remove the credentials from the URL: deliveries are authenticated by their signature (ZOHO_AUTH_WEBHOOK_SECRET).',
    )
  }
  return parsed.href
}

/** Builds the sender; throws ConfigError for a malformed URL or secret. */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const url = checkedURL(options.url)
  const key = parseWebhookSecret(options.secret)
  const random = options.random ?? Math.random
  const maxAttempts = Math.max(1, options.maxAttempts ?? 6)
  const baseDelayMs = options.baseDelayMs ?? 1000
  const maxDelayMs = options.maxDelayMs ?? 30_000
  const timeoutMs = options.timeoutMs ?? 10_000
  const maxPending = options.maxPending ?? 1000
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()))
  const pending = new Set<Promise<void>>()
  let closed = false
  let wakeOnClose: () => void = () => undefined
  const closing = new Promise<void>((resolve) => {
    wakeOnClose = resolve
  })

  // An attempt's outcome: the status, or the reason it got none.
  async function attempt(id: string, body: string): Promise<{ ok: boolean; status: string }> {
    const timestamp = Math.floor(options.now() / 1000)
    try {
      const response = await options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(key, id, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      await response.body?.cancel().catch(() => undefined)
      return {
        ok: response.status >= 200 && response.status < 300,
        status: String(response.status),
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error'
      return { ok: false, status: name === 'TimeoutError' ? 'timeout' : 'network error' }
    }
  }

  async function deliver(type: WebhookEventType, connection: string, body: string): Promise<void> {
    const id = webhookId()
    for (let attemptNo = 1; ; attemptNo++) {
      const { ok, status } = await attempt(id, body)
      const entry = { id, type, connection, attempt: attemptNo, status }
      if (ok) {
        options.logger.info({ msg: 'webhook delivered', ...entry })
        return
      }
      if (attemptNo >= maxAttempts || closed) {
        options.logger.error({
          msg: `webhook not delivered after ${attemptNo} attempt(s)${closed ? ' (the broker is shutting down)' : ''}`,
          ...entry,
        })
        return
      }
      options.logger.warn({ msg: 'webhook delivery failed; retrying', ...entry })
      const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNo - 1))
      await Promise.race([sleep(Math.round(step / 2 + (step / 2) * random())), closing])
      if (closed) {
        options.logger.error({
          msg: `webhook not delivered after ${attemptNo} attempt(s) (the broker is shutting down)`,
          ...entry,
        })
        return
      }
    }
  }

  return {
    send(type, data) {
      if (closed || pending.size >= maxPending) {
        options.logger.error({
          msg: closed
            ? 'webhook dropped: the sender is closed'
            : `webhook dropped: ${maxPending} deliveries are already pending`,
          type,
          connection: data.connection,
        })
        return
      }
      const body = webhookBody(type, data, options.now())
      const delivery: Promise<void> = deliver(type, data.connection, body)
        .catch(() => undefined)
        .finally(() => pending.delete(delivery))
      pending.add(delivery)
    },
    async close() {
      closed = true
      wakeOnClose()
      const bound = options.closeTimeoutMs ?? 5000
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, bound)
        }),
      ])
      clearTimeout(timer)
    },
  }
}
