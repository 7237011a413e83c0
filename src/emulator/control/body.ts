/**
 * JSON bodies of the control API: UTF-8 JSON objects whose every field the route knows.
 */
import type { Context } from 'hono'

const UTF8 = new TextDecoder('utf-8', { fatal: true })

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let bytes: ArrayBuffer
  try {
    bytes = await c.req.arrayBuffer()
  } catch {
    // A body cut short by a caller that hung up; nobody reads this answer.
    throw new ControlError('body could not be read')
  }
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    throw new ControlError('body is not UTF-8')
  }
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

/** A field that may be left out, but is a string when present. */
export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (value !== undefined && typeof value !== 'string') {
    throw new ControlError(`"${name}" must be a string`)
  }
  return value
}

export class ControlError extends Error {
  override name = 'ControlError'
}
