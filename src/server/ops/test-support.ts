/**
 * @internal For the ops tests: a strict reader of the Prometheus text format (so a test checks
 * what a scraper would accept, not just substrings) and a webhook receiver on a real socket.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ParsedSample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface ParsedExposition {
  types: Map<string, string>
  helps: Map<string, string>
  samples: ParsedSample[]
  /** The value of the one sample of `name` with exactly these labels (undefined: none). */
  value(name: string, labels?: Record<string, string>): number | undefined
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {}
  LABEL.lastIndex = 0
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text)
    if (match === null) throw new Error(`malformed labels in: ${line}`)
    const raw = match[2] ?? ''
    labels[match[1] ?? ''] = raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c))
  }
  return labels
}

/** Parses text format 0.0.4; throws on any line a scraper would refuse. */
export function parsePrometheus(text: string): ParsedExposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline')
  const types = new Map<string, string>()
  const helps = new Map<string, string>()
  const samples: ParsedSample[] = []
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line)
    if (meta !== null) {
      const [, kind, name = '', rest = ''] = meta
      const target = kind === 'HELP' ? helps : types
      if (target.has(name)) throw new Error(`second # ${kind} for ${name}`)
      if (kind === 'TYPE' && !['counter', 'gauge', 'histogram'].includes(rest)) {
        throw new Error(`unknown type in: ${line}`)
      }
      target.set(name, rest)
      continue
    }
    const match = SAMPLE.exec(line)
    if (match === null) throw new Error(`not a sample line: ${JSON.stringify(line)}`)
    const [, name = '', , labelText, valueText = ''] = match
    const family = name.replace(/_(bucket|sum|count)$/, '')
    if (!types.has(name) && !(types.get(family) === 'histogram')) {
      throw new Error(`sample before its # TYPE: ${line}`)
    }
    const value = valueText === '+Inf' ? Infinity : Number(valueText)
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`bad value in: ${line}`)
    samples.push({ name, labels: labelText ? parseLabels(labelText, line) : {}, value })
  }
  return {
    types,
    helps,
    samples,
    value(name, labels = {}) {
      const wanted = JSON.stringify(Object.entries(labels).sort())
      return samples.find(
        (sample) =>
          sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
      )?.value
    },
  }
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders
  body: string
}

export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  /** Statuses for the next deliveries, first first; then 204. */
  statuses: number[]
  /** Resolves once `count` deliveries have arrived (bounded by the test's own timeout). */
  waitFor(count: number): Promise<ReceivedWebhook[]>
  close(): Promise<void>
}

/** An HTTP server on 127.0.0.1 that records each POST and answers the next queued status. */
export async function webhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const statuses: number[] = []
  const waiters: Array<{ count: number; resolve: (all: ReceivedWebhook[]) => void }> = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(statuses.shift() ?? 204).end()
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve([...received])
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/zoho-auth`,
    received,
    statuses,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve([...received])
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
