// Our TokenManager under the burst: one process on the memory store, and several processes
// sharing one SQLite file or one PostgreSQL database.
import { mkdtempSync, rmSync } from 'node:fs'
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
  sum,
  tokenStats,
} from './lib.js'
import { openManager, openStore } from './stores.js'

const child = join(dirname(fileURLToPath(import.meta.url)), 'ours-child.js')

let scenarioCounter = 0

/**
 * `processes` × `perProcess` concurrent getAccessToken calls once the cached token has expired
 * by the client's clock. store: 'memory' (processes must be 1) | 'sqlite' | 'postgres'.
 */
export async function oursBurst(
  base,
  { store, processes, perProcess, url, ttlSeconds = 8, call = 'token' },
) {
  scenarioCounter += 1
  const grant = await freshGrant(base)
  await control(base, 'POST', 'settings', { access_token_ttl: ttlSeconds })
  const connectionId = `bench-${store}-${scenarioCounter}`
  const path =
    store === 'sqlite'
      ? join(mkdtempSync(join(tmpdir(), 'zoho-auth-bench-')), 'bench.db')
      : undefined
  const common = {
    base,
    store,
    path,
    url,
    connectionId,
    clientId: grant.clientId,
    clientSecret: grant.clientSecret,
    n: perProcess,
    call,
  }

  if (store === 'memory') {
    common.importRefreshToken = grant.refreshToken
  } else {
    // Shared stores: create the connection once, here, then every child finds it.
    const shared = await openStore(store, { path, url })
    await shared.migrate()
    if (store === 'postgres') await shared.delete(connectionId)
    const manager = await openManager(base, shared, {
      clientId: grant.clientId,
      clientSecret: grant.clientSecret,
    })
    await manager.importRefreshToken({
      id: connectionId,
      refreshToken: grant.refreshToken,
      dc: 'us',
    })
    await manager.getToken(connectionId)
    await manager.close()
    await shared.close()
  }

  const configs = Array.from({ length: processes }, () => ({ ...common }))
  const started = await runTogether(child, configs, { timeoutMs: 120_000 })
  if (started.fatal) return { fatal: started.fatal }
  const expiresAt = Math.max(...started.readies.map((ready) => ready.expiresAt))

  await control(base, 'POST', 'stats/reset')
  const startAt = Math.max(expiresAt + 100, Date.now() + 300)
  const results = await releaseAndCollect(started.children, startAt)
  const stats = await tokenStats(base)
  if (path) rmSync(dirname(path), { recursive: true, force: true })
  return {
    ...stats,
    calls: processes * perProcess,
    ok: sum(results.map((r) => r.ok ?? 0)),
    failed: sum(results.map((r) => r.failed ?? perProcess)),
    errors: mergeErrors(results),
    elapsedMs: Math.max(...results.map((r) => r.elapsedMs ?? 0)),
    distinctTokens: distinctTokens(results),
    expiredByClientClock: results.every((r) => r.expiredByClientClock),
  }
}
