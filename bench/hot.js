// The hot path: a cached getAccessToken (one connection, memory store) beside a bare Map.get,
// measured in the same process and run. Every loop is bounded by time AND by count.
import { control, freshGrant, percentile } from './lib.js'
import { openManager, openStore } from './stores.js'

const MAX_OPS = 20_000_000

/** Runs `step` in chunks until `durationMs` has passed; returns operations per second. */
async function opsPerSecond(step, { durationMs, chunk, isAsync }) {
  let ops = 0
  const started = performance.now()
  let elapsed = 0
  while (elapsed < durationMs && ops < MAX_OPS) {
    if (isAsync) for (let i = 0; i < chunk; i += 1) await step()
    else for (let i = 0; i < chunk; i += 1) step()
    ops += chunk
    elapsed = performance.now() - started
  }
  return (ops / elapsed) * 1000
}

export async function hotPath(base, { durationMs = 1500, latencySamples = 100_000 } = {}) {
  const grant = await freshGrant(base)
  await control(base, 'POST', 'settings', { access_token_ttl: 3600 })
  const store = await openStore('memory')
  const manager = await openManager(base, store, {
    clientId: grant.clientId,
    clientSecret: grant.clientSecret,
  })
  const id = 'hot'
  await manager.importRefreshToken({ id, refreshToken: grant.refreshToken, dc: 'us' })
  const token = await manager.getAccessToken(id)
  const map = new Map([[id, token]])
  let sink = 0

  const mapGet = () => {
    sink += map.get(id).length
  }
  const awaitedMapGet = async () => {
    sink += (await map.get(id)).length
  }
  const cached = async () => {
    sink += (await manager.getAccessToken(id)).length
  }
  // Warm-up so the JIT has seen every path before we time it.
  await opsPerSecond(mapGet, { durationMs: 200, chunk: 10_000 })
  await opsPerSecond(cached, { durationMs: 300, chunk: 1_000, isAsync: true })

  const results = {
    mapGet: await opsPerSecond(mapGet, { durationMs, chunk: 100_000 }),
    awaitedMapGet: await opsPerSecond(awaitedMapGet, { durationMs, chunk: 10_000, isAsync: true }),
    getAccessToken: await opsPerSecond(cached, { durationMs, chunk: 1_000, isAsync: true }),
  }

  // Concurrent callers: batches of 1,000 getAccessToken in flight at once.
  let batched = 0
  const batchStart = performance.now()
  while (performance.now() - batchStart < durationMs && batched < MAX_OPS) {
    await Promise.all(Array.from({ length: 1000 }, () => manager.getAccessToken(id)))
    batched += 1000
  }
  results.getAccessTokenBatched = (batched / (performance.now() - batchStart)) * 1000

  const samples = new Float64Array(latencySamples)
  for (let i = 0; i < latencySamples; i += 1) {
    const t0 = process.hrtime.bigint()
    await manager.getAccessToken(id)
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000 // µs
  }
  samples.sort()
  results.p50us = percentile(samples, 50)
  results.p99us = percentile(samples, 99)
  results.latencySamples = latencySamples
  const after = await manager.getAccessToken(id)
  results.sameToken = after === token
  await manager.close()
  await store.close()
  if (sink === -1) console.log(sink) // keeps the measured work observable
  return results
}
