/**
 * The broker's log: one JSON object per line (`time`, `level`, `msg`, then the entry's fields),
 * for a log shipper to parse. Every string in it passes through `redact()`, and the literal
 * secrets the broker holds (the admin token, the webhook secret) are masked by value, so a field
 * that carries one by mistake still prints `****`.
 */
import { redact } from '../../protocol/redact.js'
import type { BrokerLogger, LogEntry } from '../deps.js'

/** Options of createJsonLogger. */
export interface JsonLoggerOptions {
  /** Epoch ms of each line; default `Date.now`. */
  now?: () => number
  /** Secrets redact() cannot recognise by shape (the admin token): masked wherever they appear. */
  secrets?: readonly string[]
}

// Broker API keys (`zab_…`) and Standard Webhooks secrets (`whsec_…`) have shapes of our own.
const BROKER_SECRET = /\b(zab_|whsec_)[A-Za-z0-9_\-+/=]{8,}/g
// Fields whose value is a secret whatever it looks like.
const SECRET_FIELD = /^(authorization|cookie|set-cookie|password|secret|client_secret|.*token)$/i
const MAX_DEPTH = 6

/** Redacts `text`: Zoho's tokens and secrets, the broker's own, and the literal `secrets`. */
export function redactLogText(text: string, secrets: readonly string[] = []): string {
  let result = redact(text)
  if (result.includes('zab_') || result.includes('whsec_')) {
    result = result.replace(BROKER_SECRET, (_match, prefix: string) => `${prefix}****`)
  }
  for (const secret of secrets) {
    if (secret.length >= 8 && result.includes(secret)) result = result.split(secret).join('****')
  }
  return result
}

function clean(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redactLogText(value, secrets)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined
  }
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return clean({ name: value.name, message: value.message, code }, secrets, depth)
  }
  if (depth >= MAX_DEPTH) return '[nested too deep]'
  if (Array.isArray(value)) return value.map((item) => clean(item, secrets, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      SECRET_FIELD.test(key) && typeof field === 'string' && field !== ''
        ? '****'
        : clean(field, secrets, depth + 1)
  }
  return out
}

/**
 * A BrokerLogger writing one redacted JSON line per entry through `write` (e.g. to stdout).
 * A write that throws is swallowed: logging must never fail a request.
 */
export function createJsonLogger(
  write: (line: string) => void,
  options: JsonLoggerOptions = {},
): BrokerLogger {
  const now = options.now ?? Date.now
  const secrets = (options.secrets ?? []).filter((secret) => secret !== '')
  const at =
    (level: 'info' | 'warn' | 'error') =>
    (entry: LogEntry): void => {
      // An entry's own `time` or `level` field would hide the line's: it is dropped.
      const { msg, time: _time, level: _level, ...fields } = entry
      const line = {
        time: new Date(now()).toISOString(),
        level,
        msg: redactLogText(String(msg), secrets),
        ...(clean(fields, secrets, 0) as Record<string, unknown>),
      }
      try {
        write(JSON.stringify(line))
      } catch {
        // A closed stdout must not turn every request into a 500.
      }
    }
  return { info: at('info'), warn: at('warn'), error: at('error') }
}
