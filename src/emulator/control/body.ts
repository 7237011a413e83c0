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

export class ControlError extends Error {
  override name = 'ControlError'
}
