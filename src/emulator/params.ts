/**
 * The parameters of an accounts-server request, read from the query string, an urlencoded body or
 * a multipart body: Zoho accepts all three (its own SDK sends multipart). Body values win over the
 * query string. A request whose parameters cannot be read one way only is malformed: a body that
 * does not parse, a value that is not UTF-8, or a parameter sent twice in one place (which the
 * three encodings would otherwise resolve differently: first, last, first). Each endpoint answers
 * a malformed request in its own shape (docs/zoho-behaviour.md §7).
 */
import type { Context } from 'hono'

export type ParamsRead =
  { ok: true; params: Record<string, string> } | { ok: false; problem: string }

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

// What the URL and form parsers put where bytes were not UTF-8.
const REPLACEMENT = '\uFFFD'

function collect(entries: Iterable<[string, unknown]>, where: string): ParamsRead {
  const params = new Map<string, string>()
  for (const [name, value] of entries) {
    // A file part is not a parameter.
    if (typeof value !== 'string') continue
    if (name.includes(REPLACEMENT) || value.includes(REPLACEMENT)) {
      return { ok: false, problem: `The parameter "${name}" in the ${where} is not valid UTF-8.` }
    }
    if (params.has(name)) return { ok: false, problem: `The parameter "${name}" was sent twice.` }
    params.set(name, value)
  }
  return { ok: true, params: Object.fromEntries(params) }
}

export async function readParams(c: Context): Promise<ParamsRead> {
  const query = collect(new URL(c.req.url).searchParams, 'query string')
  if (!query.ok) return query
  const type = c.req.header('content-type') ?? ''
  const form = FORM_TYPES.find((t) => type.includes(t))
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !form) return query
  let body: FormData
  try {
    body = await c.req.formData()
  } catch {
    // Unparseable multipart, a boundary missing, or a caller that hung up mid-body.
    return { ok: false, problem: `The ${form} body could not be read.` }
  }
  const fromBody = collect(body.entries(), 'body')
  if (!fromBody.ok) return fromBody
  return { ok: true, params: { ...query.params, ...fromBody.params } }
}
