// `npm run bench`: starts the emulator, runs every scenario against it and writes
// docs/benchmarks.md. Knobs (for a quick smoke run): BENCH_BURST (calls in the 1-process burst,
// default 1000), BENCH_PER_PROCESS (default 250), BENCH_PROCESSES (default 4), BENCH_HOT_MS,
// BENCH_ONLY (comma list of scenario keys), BENCH_OUT (report path), BENCH_JSON (raw results
// path), BENCH_TTL (access-token life in our bursts, s), BENCH_CLI_RUNS (spawns per command in
// the CLI cold start, default 20), BENCH_BROKER_MS (each broker throughput run, default 3000),
// TEST_DATABASE_URL.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brokerBench } from './broker.js'
import { browserSize } from './browser-size.js'
import { cli401Burst, cliColdStart } from './cli.js'
import { hotPath } from './hot.js'
import { oursBurst } from './ours.js'
import { renderReport } from './report.js'
import { ensurePeers, sdkBurst, sdkColdStart } from './sdk.js'
import { importDist } from './stores.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const env = process.env
const burst = Number(env.BENCH_BURST ?? 1000)
const perProcess = Number(env.BENCH_PER_PROCESS ?? 250)
const processes = Number(env.BENCH_PROCESSES ?? 4)
const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',')) : null
const out = env.BENCH_OUT ?? join(root, 'docs', 'benchmarks.md')
const ttlSeconds = Number(env.BENCH_TTL ?? 8)
const cliRuns = Number(env.BENCH_CLI_RUNS ?? 20)
const cliProcesses = 8
const databaseURL = env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function postgresReachable(url) {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function attempt(key, label, run) {
  if (only && !only.has(key)) return null
  const started = Date.now()
  process.stdout.write(`${label} … `)
  try {
    const result = await run()
    console.log(
      result.skipped
        ? `skipped (${result.skipped})`
        : result.fatal
          ? `failed: ${result.fatal}`
          : 'done',
    )
    return { key, label, ...result, seconds: (Date.now() - started) / 1000 }
  } catch (error) {
    console.log(`failed: ${error.message}`)
    return { key, label, fatal: error.message, seconds: (Date.now() - started) / 1000 }
  }
}

async function main() {
  const startedAt = new Date()
  const { startEmulator } = await importDist('emulator/index.js')
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0 })
  const base = emulator.url
  console.log(`emulator at ${base}`)
  let sdkVersion = null
  const rows = []
  try {
    const push = (row) => row && rows.push(row)
    push(
      await attempt('ours-memory', `ours, 1 process × ${burst}, memory store`, () =>
        oursBurst(base, { store: 'memory', processes: 1, perProcess: burst, ttlSeconds }),
      ),
    )
    push(
      await attempt(
        'ours-sqlite',
        `ours, ${processes} processes × ${perProcess}, one SQLite file`,
        () => oursBurst(base, { store: 'sqlite', processes, perProcess, ttlSeconds }),
      ),
    )
    push(
      await attempt(
        'ours-postgres',
        `ours, ${processes} processes × ${perProcess}, PostgreSQL`,
        async () =>
          (await postgresReachable(databaseURL))
            ? oursBurst(base, {
                store: 'postgres',
                processes,
                perProcess,
                url: databaseURL,
                ttlSeconds,
              })
            : { skipped: `PostgreSQL unreachable at ${databaseURL.replace(/\/\/[^@]*@/, '//…@')}` },
      ),
    )
    push(
      await attempt(
        'ours-users',
        `ours, 1 process × 200 CRM users?type=CurrentUser calls, memory store`,
        () =>
          oursBurst(base, {
            store: 'memory',
            processes: 1,
            perProcess: 200,
            ttlSeconds,
            call: 'users',
          }),
      ),
    )
    push(
      await attempt('sdk-single', `Zoho SDK, 1 process × ${burst}, FileStore`, async () => {
        sdkVersion = ensurePeers()
        return sdkBurst(base, { processes: 1, perProcess: burst })
      }),
    )
    push(
      await attempt(
        'sdk-multi',
        `Zoho SDK, ${processes} processes × ${perProcess}, one FileStore file`,
        async () => {
          sdkVersion = ensurePeers()
          return sdkBurst(base, { processes, perProcess })
        },
      ),
    )
    push(
      await attempt(
        'sdk-users',
        `Zoho SDK, 1 process × 200 getUsers(CurrentUser) calls, FileStore`,
        async () => {
          sdkVersion = ensurePeers()
          return sdkBurst(base, { processes: 1, perProcess: 200, call: 'users' })
        },
      ),
    )
    push(
      await attempt(
        'sdk-cold',
        `Zoho SDK, ${processes} processes first start together on an empty FileStore (3 trials)`,
        async () => {
          sdkVersion = ensurePeers()
          return sdkColdStart(base, { processes })
        },
      ),
    )
    push(
      await attempt('hot', 'hot path', async () => ({
        hot: await hotPath(base, { durationMs: Number(env.BENCH_HOT_MS ?? 1500) }),
      })),
    )
    push(
      await attempt('cli-cold', `CLI cold start, ${cliRuns} spawns of each`, () =>
        cliColdStart(base, { runs: cliRuns }),
      ),
    )
    push(
      await attempt('broker', 'broker: GET …/token req/s, proxy latency, 100-call burst', () =>
        brokerBench(base, { durationMs: Number(env.BENCH_BROKER_MS ?? 3000) }),
      ),
    )
    push(
      await attempt('browser-size', 'zoho-auth/browser, minified + gzipped', async () => ({
        browserSize: await browserSize(),
      })),
    )
    // Last: it moves the emulator's clock an hour on, for the rest of this emulator's life.
    push(
      await attempt(
        'cli-401',
        `ours, ${cliProcesses} \`zoho-auth api\` processes at once, token expired by Zoho's clock (401), one SQLite file`,
        () => cli401Burst(base, { processes: cliProcesses }),
      ),
    )
  } finally {
    await emulator.close()
  }
  const report = renderReport({ rows, startedAt, sdkVersion, burst, perProcess, processes })
  writeFileSync(out, report)
  if (env.BENCH_JSON) writeFileSync(env.BENCH_JSON, JSON.stringify(rows, null, 2))
  console.log(`wrote ${out}`)
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
