// Zoho's official TypeScript SDK (@zohocrm/typescript-sdk-8.0) under the same burst as ours.
// The SDK lives only in bench/peers (installed on first use), never in the root package.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  control,
  distinctTokens,
  freshGrant,
  mergeErrors,
  releaseAndCollect,
  runTogether,
  spawnChild,
  sum,
  tokenStats,
} from './lib.js'

const here = dirname(fileURLToPath(import.meta.url))
const peers = join(here, 'peers')
const child = join(peers, 'zoho-sdk-child.mjs')
export const SDK_PACKAGE = '@zohocrm/typescript-sdk-8.0'

/** Installs bench/peers on first use; returns the SDK's installed version. */
export function ensurePeers() {
  const manifest = join(peers, 'node_modules', SDK_PACKAGE, 'package.json')
  if (!existsSync(manifest)) {
    console.log(`installing ${SDK_PACKAGE} into bench/peers …`)
    const result = spawnSync(
      'npm',
      ['install', '--prefix', peers, '--no-audit', '--no-fund', '--loglevel=error'],
      { stdio: 'inherit', timeout: 180_000 },
    )
    if (result.status !== 0)
      throw new Error(`npm install --prefix bench/peers failed (${result.status})`)
  }
  return JSON.parse(readFileSync(manifest, 'utf8')).version
}

/**
 * The SDK's FileStore is a CSV: a header line, then one row per token. Concurrent writers can
 * lose the header (a reader sees a half-written file and writes back without it), so check it.
 */
function inspectStoreFile(file) {
  const text = readFileSync(file, 'utf8')
  rmSync(dirname(file), { recursive: true, force: true }) // the benchmark's own temp dir
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const headerIntact = lines[0]?.startsWith('id,user_mail,') ?? false
  const rows = (headerIntact ? lines.slice(1) : lines).map((line) => line.split(','))
  const refreshTokens = rows.map((row) => row[4])
  return {
    headerIntact,
    rows: rows.length,
    distinctIds: new Set(rows.map((row) => row[0])).size,
    duplicateRows: rows.length - new Set(refreshTokens).size,
  }
}

/**
 * `processes` × `perProcess` concurrent SDK token retrievals at expiry, all processes sharing
 * one FileStore file. `call`: 'token' (OAuthToken.getToken(), what every SDK request runs
 * first) or 'users' (a real UsersOperations.getUsers type=CurrentUser call).
 */
export async function sdkBurst(base, { processes, perProcess, call = 'token', ttlSeconds = 25 }) {
  const grant = await freshGrant(base)
  // Long enough for the children to load the SDK and initialise while the token is still valid
  // by the SDK's rule (expiry - now >= 5 s), or initialisation itself would refresh.
  await control(base, 'POST', 'settings', { access_token_ttl: ttlSeconds })
  const storeFile = join(mkdtempSync(join(tmpdir(), 'zoho-sdk-bench-')), 'sdk_tokens.csv')
  const common = { base, ...grant, storeFile, call }

  const prime = await spawnChild(child, { ...common, mode: 'prime' }).done
  if (prime.fatal || !prime.expiresAt) return { fatal: `prime: ${prime.fatal ?? 'no token'}` }

  const configs = Array.from({ length: processes }, () => ({
    ...common,
    mode: 'burst',
    n: perProcess,
  }))
  const started = await runTogether(child, configs, { timeoutMs: 150_000 })
  if (started.fatal) return { fatal: started.fatal }
  const lateInit = started.readies.some((ready) => ready.expiresAt !== prime.expiresAt)

  await control(base, 'POST', 'stats/reset')
  // Fire once the token is expired by the SDK's own clock (it refreshes 5 s before expiry).
  const startAt = Math.max(prime.expiresAt + 100, Date.now() + 300)
  const results = await releaseAndCollect(started.children, startAt)
  const stats = await tokenStats(base)
  return {
    ...stats,
    calls: processes * perProcess,
    ok: sum(results.map((r) => r.ok ?? 0)),
    failed: sum(results.map((r) => r.failed ?? perProcess)),
    errors: mergeErrors(results),
    elapsedMs: Math.max(...results.map((r) => r.elapsedMs ?? 0)),
    distinctTokens: call === 'users' ? undefined : distinctTokens(results),
    expiredBySDKClock: results.every((r) => r.expiredBySDKClock),
    lateInit,
    store: inspectStoreFile(storeFile),
  }
}

/**
 * `processes` SDK processes starting at the same instant on an empty FileStore (a first deploy,
 * or a restart after the file was cleared), `trials` times: refreshes per trial, and what the
 * file looks like afterwards (rows, duplicates, whether the CSV header survived).
 */
export async function sdkColdStart(base, { processes, trials = 3 }) {
  await control(base, 'POST', 'settings', { access_token_ttl: 3600 })
  const outcomes = []
  for (let trial = 0; trial < trials; trial += 1) {
    const grant = await freshGrant(base)
    const storeFile = join(mkdtempSync(join(tmpdir(), 'zoho-sdk-bench-')), 'sdk_tokens.csv')
    const configs = Array.from({ length: processes }, () => ({
      base,
      ...grant,
      storeFile,
      mode: 'cold',
    }))
    const started = await runTogether(child, configs, { timeoutMs: 120_000 })
    if (started.fatal) return { fatal: started.fatal }
    await control(base, 'POST', 'stats/reset')
    const results = await releaseAndCollect(started.children, Date.now() + 300)
    outcomes.push({ ...(await tokenStats(base)), results, store: inspectStoreFile(storeFile) })
  }
  const all = outcomes.flatMap((outcome) => outcome.results)
  return {
    refreshes: sum(outcomes.map((o) => o.refreshes)),
    throttled: sum(outcomes.map((o) => o.throttled)),
    calls: processes * trials,
    ok: sum(all.map((r) => r.ok ?? 0)),
    failed: sum(all.map((r) => r.failed ?? 1)),
    errors: mergeErrors(all),
    trials: outcomes.map((o) => ({ refreshes: o.refreshes, ...o.store })),
  }
}
