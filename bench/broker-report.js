// The broker's section of docs/benchmarks.md, from what bench/broker.js measured.
const fmt = (value, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—'

const statuses = (counts) =>
  Object.entries(counts ?? {})
    .map(([status, count]) => `${fmt(count)}× ${status}`)
    .join(', ')

export function brokerSection(rows) {
  const row = rows.find((r) => r.key === 'broker')
  if (!row) return []
  const lines = ['## The broker: token API throughput, proxy latency, burst', '']
  if (row.skipped || row.fatal) {
    lines.push(`Not measured: ${row.skipped ?? `failed: ${row.fatal}`}.`, '')
    return lines
  }
  const b = row.broker
  lines.push(
    '`zoho-auth serve` runs as a child process on a SQLite file against this run’s emulator; the load',
    'generator (bench/broker-load.js: node:http, keep-alive agent) runs in the bench process and is the',
    `same for every target. Throughput: ${b.throughput.hello?.concurrency ?? '—'} concurrent request loops for ${fmt(b.durationMs)} ms after a`,
    "500 ms warm-up, each target measured twice, interleaved, the better run kept. The baseline is Hono's",
    'hello world on @hono/node-server (`c.text(...)`) in its own process on the same machine.',
    '',
  )
  if (row.missing?.length) {
    lines.push(
      `⚠ Not on this build, so not measured: ${row.missing.join(', ')} (the routes land with the API and proxy work).`,
      '',
    )
  }
  const hello = b.throughput.hello
  const token = b.throughput.token
  lines.push(
    '| target | requests/s | answers | vs hello world |',
    '|---|---|---|---|',
    `| Hono hello world | ${fmt(hello?.requestsPerSecond)} | ${statuses(hello?.statuses)} | 1.00× |`,
    token
      ? `| broker \`GET /api/v1/connections/:id/token\` (bearer checked, token from the manager's cache) | ${fmt(token.requestsPerSecond)} | ${statuses(token.statuses)} | **${(token.requestsPerSecond / hello.requestsPerSecond).toFixed(2)}×** |`
      : '| broker `GET /api/v1/connections/:id/token` | not measured | | |',
    '',
    'Goal: ≥ 0.8× of hello world.',
    '',
  )
  const { direct, proxy } = b.latency
  lines.push(
    `Proxy latency: \`GET crm/v8/users?type=CurrentUser\`, ${fmt(b.samples)} sequential requests on one keep-alive`,
    'socket (after 200 warm-up ones), straight to the emulator with the token, and through the broker',
    '(`/api/v1/proxy/:id/…`, which adds the bearer check, the token lookup and one more hop); each twice,',
    'interleaved, the run with the lower p50 kept.',
    '',
    '| path | p50 | p99 | answers |',
    '|---|---|---|---|',
    `| emulator directly | ${fmt(direct?.p50Ms, 3)} ms | ${fmt(direct?.p99Ms, 3)} ms | ${statuses(direct?.statuses)} |`,
    proxy
      ? `| through the broker's proxy | ${fmt(proxy.p50Ms, 3)} ms | ${fmt(proxy.p99Ms, 3)} ms | ${statuses(proxy.statuses)} |`
      : '| through the broker’s proxy | not measured | | |',
    '',
    proxy
      ? `Added by the proxy: p50 **${fmt(proxy.p50Ms - direct.p50Ms, 3)} ms**, p99 ${fmt(proxy.p99Ms - direct.p99Ms, 3)} ms. Goal: p50 under 0.5 ms added.`
      : 'Goal: p50 under 0.5 ms added.',
    '',
  )
  if (b.burst) {
    const s = b.burst
    lines.push(
      `The burst: a connection whose token lives ${'a few'} seconds is served once (the broker caches it), then once`,
      `it has expired ${fmt(b.burstCalls)} concurrent \`GET …/token\` are sent at once.`,
      '',
      '| token requests | throttled | calls ok / failed | distinct tokens | wall time |',
      '|---|---|---|---|---|',
      `| **${fmt(s.refreshes)}** | ${fmt(s.throttled)} | ${fmt(s.ok)} / ${fmt(s.failed)} | ${fmt(s.distinctTokens)} | ${fmt(s.elapsedMs)} ms |`,
      '',
      'Two processes on one PostgreSQL under the same burst: test/broker-multiprocess.test.ts (asserts 1).',
      '',
    )
  }
  return lines
}
