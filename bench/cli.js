// The CLI as scripts run it: cold start of `zoho-auth --version` and a cached `zoho-auth token`
// against `node -e 0` (the floor for any Node CLI), spawned side by side in one loop; and the 401
// burst: N `zoho-auth api` processes at once with a token the emulator has expired while every
// client still trusts it, on one SQLite file.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { control, percentile, sum, tokenStats } from './lib.js'
import { BENCH_KEY } from './stores.js'

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'zoho-auth.js')

/** Spawns `node …args` and resolves with its exit code, output and wall time (ms). */
function timed(args, env, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint()
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      resolve({ code, stdout, stderr, ms })
    })
  })
}

/** A Self Client, a user and a connection "default" stored by `zoho-auth exchange`. */
async function cliConnection(base, scope) {
  const client = await control(base, 'POST', 'clients', { type: 'self', dcs: ['us'] })
  const email = `bench-cli.${process.pid}.${Date.now()}@example.com`
  await control(base, 'POST', 'users', { email, dc: 'us' })
  const { code } = await control(base, 'POST', 'self-client/code', {
    client_id: client.client_id,
    scope,
    minutes: 10,
    email,
  })
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-bench-cli-'))
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_EMULATOR_URL: base,
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: BENCH_KEY,
  }
  const exchanged = await timed([bin, 'exchange', '--code', code], env)
  if (exchanged.code !== 0) throw new Error(`exchange failed: ${exchanged.stderr.trim()}`)
  return { env, clientId: client.client_id }
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    runs: samples.length,
    meanMs: sum(samples) / samples.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    minMs: sorted[0],
  }
}

/**
 * `runs` rounds, each spawning `node -e 0`, `zoho-auth --version` and `zoho-auth token` once
 * (in that order), so load on the shared machine hits all three alike. One warm-up round first
 * (the OS file cache). The token is cached in the store: no token request may happen.
 */
export async function cliColdStart(base, { runs = 20 } = {}) {
  const { env } = await cliConnection(base, 'ZohoCRM.users.READ')
  const commands = {
    node: ['-e', '0'],
    version: [bin, '--version'],
    token: [bin, 'token'],
  }
  const samples = { node: [], version: [], token: [] }
  const tokens = new Set()
  await control(base, 'POST', 'stats/reset')
  for (let round = -1; round < runs; round++) {
    for (const [name, args] of Object.entries(commands)) {
      const run = await timed(args, env)
      if (run.code !== 0) throw new Error(`${name} exited ${run.code}: ${run.stderr.trim()}`)
      if (name === 'token') tokens.add(run.stdout.trim())
      if (round >= 0) samples[name].push(run.ms)
    }
  }
  const stats = await tokenStats(base)
  return {
    cold: Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, summary(s)])),
    refreshes: stats.refreshes,
    distinctTokens: tokens.size,
  }
}

/**
 * `processes` `zoho-auth api /crm/v8/users?type=CurrentUser` at once, after the emulator's clock
 * moved past the stored token's life (the client still trusts it): counts token requests.
 */
export async function cli401Burst(base, { processes = 8 } = {}) {
  const { env } = await cliConnection(base, 'ZohoCRM.users.READ')
  await control(base, 'POST', 'clock', { advance_seconds: 3700 })
  await control(base, 'POST', 'stats/reset')
  const started = process.hrtime.bigint()
  const runs = await Promise.all(
    Array.from({ length: processes }, () =>
      timed([bin, 'api', '/crm/v8/users?type=CurrentUser'], env),
    ),
  )
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6
  const stats = await tokenStats(base)
  const failures = runs.filter((run) => run.code !== 0)
  const errors = {}
  for (const run of failures) {
    const line =
      run.stderr.split('\n').find((l) => l.startsWith('zoho-auth: ') && !l.includes('warning')) ??
      `exit ${run.code}`
    errors[line] = (errors[line] ?? 0) + 1
  }
  return {
    refreshes: stats.refreshes,
    throttled: stats.throttled,
    ok: runs.length - failures.length,
    failed: failures.length,
    elapsedMs,
    apiCalls: stats.api,
    errors,
  }
}
