/**
 * JSON bodies of the control API.
 */
import type { Context } from 'hono'

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // fall through
  }
  throw new ControlError('body must be a JSON object')
}

/** Refuses a field the route does not know: a typo must not silently change what is created. */
export function knownFields(body: Record<string, unknown>, fields: readonly string[]): void {
  for (const name of Object.keys(body)) {
    if (!fields.includes(name)) {
      throw new ControlError(`unknown field "${name}" (expected one of ${fields.join(', ')})`)
    }
  }
}

export class ControlError extends Error {
  override name = 'ControlError'
}
