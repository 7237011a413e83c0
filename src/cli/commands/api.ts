import type { ApiResponse } from '../../api/client.js'
import { parseApiPath } from '../../api/path.js'
import { describeCall, type HttpMethod } from '../../api/request.js'
import { API_OPTIONS, API_USAGE, withApiClient } from '../api-session.js'
import { CONFIG_USAGE, parseFlags } from '../args.js'
import { EXIT_FAILURE, UsageError, type Command, type Output } from '../command.js'
import { readJsonData } from '../data-input.js'

const METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

const OPTIONS = {
  ...API_OPTIONS,
  method: { type: 'string', short: 'X' },
  data: { type: 'string', short: 'd' },
  header: { type: 'string', short: 'H', multiple: true },
  include: { type: 'boolean', short: 'i' },
} as const

function methodOf(value: string | undefined, hasData: boolean): HttpMethod {
  if (value === undefined) return hasData ? 'POST' : 'GET'
  const method = value.toUpperCase() as HttpMethod
  if (!METHODS.includes(method)) {
    throw new UsageError(`-X ${value}: not an HTTP method (one of ${METHODS.join(', ')})`)
  }
  if (hasData && (method === 'GET' || method === 'HEAD')) {
    throw new UsageError(`-X ${method} cannot send --data; use POST, PUT or PATCH`)
  }
  return method
}

function headersOf(values: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const header of values ?? []) {
    const colon = header.indexOf(':')
    const name = colon === -1 ? '' : header.slice(0, colon).trim()
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UsageError(`--header "${header}": expected NAME:VALUE`)
    }
    if (['authorization', 'host'].includes(name.toLowerCase())) {
      throw new UsageError(`--header ${name}: zoho-auth sets it (the connection's token and host)`)
    }
    headers[name] = header.slice(colon + 1).trim()
  }
  return headers
}

/**
 * The body as a person or a pipe wants it: indented on a terminal, one compact line otherwise
 * (for jq and friends). JSON is re-serialised from the parsed answer; text is written as it came.
 */
function renderBody(data: unknown, out: Output): string {
  if (data === undefined) return ''
  if (typeof data === 'string') return data.endsWith('\n') ? data : `${data}\n`
  return `${out.isTTY === true ? JSON.stringify(data, null, 2) : JSON.stringify(data)}\n`
}

function renderHead(response: ApiResponse): string {
  const lines = [`HTTP ${response.status}`]
  response.headers.forEach((value, name) => lines.push(`${name}: ${value}`))
  return `${lines.join('\n')}\n\n`
}

/** Failed records of a CRM batch answer (`{"data":[{status:"error"},…]}`), and how many in all. */
function recordFailures(data: unknown): { failed: number; total: number } | undefined {
  const list = (data as { data?: unknown; fields?: unknown } | undefined)?.data
  if (!Array.isArray(list)) return undefined
  const failed = list.filter((r) => (r as { status?: unknown })?.status === 'error').length
  return { failed, total: list.length }
}

/** `zoho-auth api`: one Zoho API call with the connection's token, like `gh api`. */
export const apiCommand: Command = {
  name: 'api',
  usage: `Usage: zoho-auth api [-X METHOD] PATH [--data JSON|@file|@-] [--header K:V]... [--connection NAME]

Calls a Zoho API with the connection's token and prints the answer's body on stdout.
PATH is relative to the connection's API domain (the data centre is chosen for you):
  zoho-auth api /crm/v8/org
  zoho-auth api '/crm/v8/settings/fields?module=Deals'
  zoho-auth api -X POST /crm/v8/Leads --data '{"data":[{"Last_Name":"Lovelace"}]}'
  zoho-auth api /invoice/v3/invoices -H X-com-zoho-invoice-organizationid:700000001

On a terminal the JSON is indented; in a pipe it is one compact line (re-serialised from
the parsed answer, so whitespace may differ from Zoho's bytes). A refused token is refreshed
once and the call retried; Zoho's errors go to stderr with what to do, exit 1. A CRM batch
with failed records (HTTP 207 or 400) prints its per-record results and exits 1.

Options:
  -X, --method METHOD  GET (default), or POST when --data is given; PUT, PATCH, DELETE, …
  -d, --data DATA      a JSON body: the text, @file, or @- to read standard input
  -H, --header K:V     an extra request header (repeatable); not Authorization or Host
  -i, --include        print the HTTP status and response headers before the body
${API_USAGE}

${CONFIG_USAGE}`,
  options: OPTIONS,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, OPTIONS, true)
    const [path, ...extra] = positionals
    if (path === undefined) throw new UsageError('missing PATH, e.g. zoho-auth api /crm/v8/org')
    if (extra.length > 0) throw new UsageError(`one PATH only; got also "${extra.join(' ')}"`)
    const method = methodOf(values.method, values.data !== undefined)
    const headers = headersOf(values.header)
    const call = describeCall(method, parseApiPath(path))
    const json = values.data === undefined ? undefined : await readJsonData(values.data, ctx)
    const response = await withApiClient(ctx, values, (client) =>
      client.request(method, path, { headers, ...(json === undefined ? {} : { json }) }),
    )
    if (values.include) ctx.stdout.write(renderHead(response))
    ctx.stdout.write(renderBody(response.data, ctx.stdout))
    const records = recordFailures(response.data)
    if (response.status >= 400 || (response.status === 207 && records !== undefined)) {
      ctx.stderr.write(
        records
          ? `zoho-auth: ${call} answered HTTP ${response.status}: ${records.failed} of ${records.total} records failed (their codes are on stdout)\n  → Fix the records whose status is "error" (details.api_name names the field) and send only those again with zoho-auth api.\n`
          : `zoho-auth: ${call} answered HTTP ${response.status} (the body is on stdout)\n  → Check the path and body against the API's page; the body says what Zoho refused.\n`,
      )
      return EXIT_FAILURE
    }
    return 0
  },
}
