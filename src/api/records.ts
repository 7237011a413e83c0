/**
 * CRM's per-record results. A batch call (`POST /crm/v8/Leads`, `POST settings/fields`) answers
 * one result per record inside `data[]` (or `fields[]`), each with its own `code` — and the HTTP
 * status says only whether all, none or some were added (201 / 400 / 207).
 */

/**
 * One record's outcome, Zoho's code and details intact, at the caller's index.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export type RecordResult =
  | {
      ok: true
      /** Position of the record in the caller's input (across batches). */
      index: number
      id: string
      code: string
      message: string
      details: Record<string, unknown>
    }
  | {
      ok: false
      index: number
      /** Zoho's code (`MANDATORY_NOT_FOUND`, `INVALID_DATA`, `DUPLICATE_DATA`, …), or `NOT_SENT`. */
      code: string
      message: string
      details: Record<string, unknown>
    }

/**
 * Code of a record that was never sent because an earlier call of its batch run failed.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export const NOT_SENT = 'NOT_SENT'

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/**
 * Reads the per-record results of a batch answer; `offset` is the index of its first record in
 * the caller's input. A result Zoho left out (fewer results than records) is reported as such.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export function recordResults(
  body: unknown,
  key: 'data' | 'fields',
  count: number,
  offset = 0,
): RecordResult[] {
  const list = objectOf(body)[key]
  const entries = Array.isArray(list) ? list : []
  return Array.from({ length: count }, (_, i): RecordResult => {
    const entry = objectOf(entries[i])
    const details = objectOf(entry.details)
    const code = typeof entry.code === 'string' ? entry.code : 'UNKNOWN'
    const message = typeof entry.message === 'string' ? entry.message : ''
    const index = offset + i
    if (entry.status === 'success' && typeof details.id === 'string') {
      return { ok: true, index, id: details.id, code, message, details }
    }
    if (entries[i] === undefined) {
      return {
        ok: false,
        index,
        code: 'UNKNOWN',
        message: 'Zoho returned no result for this record',
        details,
      }
    }
    return { ok: false, index, code, message, details }
  })
}
