/**
 * Request bodies of the API: JSON objects only, at most `settings.maxBodyBytes`, read and checked
 * by hand. Every refusal is a 400 (413 for size) naming the field and what to send instead.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { DataCenterLocation } from '../../protocol/data-centers.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError, ERR_BAD_REQUEST, ERR_PAYLOAD_TOO_LARGE } from '../errors.js'

/** Refuses a body past `settings.maxBodyBytes` (declared or streamed) with 413. */
export function limitBody(deps: Pick<BrokerDeps, 'settings'>): MiddlewareHandler {
  const maxSize = deps.settings.maxBodyBytes
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new BrokerHttpError(
        413,
        ERR_PAYLOAD_TOO_LARGE,
        `The request body is larger than this broker accepts (${maxSize} bytes)`,
        'Send a smaller body; the API takes small JSON objects only.',
      )
    },
  })
}

/** A 400 with the broker's code. */
export function badRequest(message: string, remedy: string): BrokerHttpError {
  return new BrokerHttpError(400, ERR_BAD_REQUEST, message, remedy)
}

/**
 * The body as a JSON object. The Content-Type is not insisted on (`curl -d` sends a form type),
 * but the text must be one JSON object. An empty body is `{}` when `emptyIsObject`.
 */
export async function readJsonObject(
  c: Context,
  options: { emptyIsObject?: boolean } = {},
): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  if (text.trim() === '') {
    if (options.emptyIsObject === true) return {}
    throw badRequest(
      'The request body is empty',
      'Send a JSON object with "Content-Type: application/json" (see /api/v1/openapi.json).',
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badRequest(
      'The request body is not valid JSON',
      'Send one JSON object with "Content-Type: application/json"; every route’s body is described at /api/v1/openapi.json.',
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(
      'The request body must be a JSON object',
      'Send the fields as one JSON object, not an array or a bare value.',
    )
  }
  return value as Record<string, unknown>
}

/** Refuses a field this route does not know, so a typo (`refreshToken`) is not silently dropped. */
export function onlyFields(body: Record<string, unknown>, known: readonly string[]): void {
  for (const name of Object.keys(body)) {
    if (!known.includes(name)) {
      throw badRequest(
        `Unknown field "${name}"`,
        `Use only ${known.map((k) => `"${k}"`).join(', ')} (see /api/v1/openapi.json).`,
      )
    }
  }
}

/** A string field, or undefined when absent; anything else is a 400. */
export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') {
    throw badRequest(`Field "${name}" must be a string`, `Send "${name}" as a JSON string.`)
  }
  return value
}

/** A non-empty string field. */
export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optionalString(body, name)
  if (value === undefined || value.trim() === '') {
    throw badRequest(`Field "${name}" is missing or empty`, `Send "${name}" as a non-empty string.`)
  }
  return value
}

/** A boolean field, or undefined when absent. */
export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name]
  if (value === undefined || typeof value === 'boolean') return value
  throw badRequest(`Field "${name}" must be true or false`, `Send "${name}" as a JSON boolean.`)
}

/** A data-centre location that is in the broker's trusted table. */
export function dataCenterField(
  deps: Pick<BrokerDeps, 'dataCenters'>,
  body: Record<string, unknown>,
): DataCenterLocation | undefined {
  const dc = optionalString(body, 'dc')
  if (dc === undefined) return undefined
  const known = deps.dataCenters.byLocation(dc)
  if (known === undefined) {
    throw badRequest(
      `Unknown Zoho data centre "${dc}"`,
      "Use one of us, eu, in, au, jp, ca, sa, uk, cn (the user's data centre, as in their Zoho URL).",
    )
  }
  return known.location
}
