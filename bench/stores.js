// Opens the store a scenario runs on, from the built dist/ (each driver loads only when asked).
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')

/** Imports a built module by its path under dist/, e.g. `tokens/manager.js`. */
export function importDist(path) {
  return import(pathToFileURL(join(dist, path)).href)
}

/** A fixed key for the benchmark's throw-away databases (never a real secret). */
export const BENCH_KEY = Buffer.alloc(32, 7).toString('base64')

/** kind: 'memory' | 'sqlite' | 'postgres'. */
export async function openStore(kind, { path, url } = {}) {
  if (kind === 'memory') {
    const { MemoryStore } = await importDist('stores/memory.js')
    return new MemoryStore()
  }
  const { KeyRing } = await importDist('stores/crypto.js')
  const keyRing = KeyRing.parse(BENCH_KEY)
  if (kind === 'sqlite') {
    const { SqliteStore } = await importDist('stores/sqlite.js')
    return new SqliteStore({ path, keyRing })
  }
  if (kind === 'postgres') {
    const { PostgresStore } = await importDist('stores/postgres.js')
    return new PostgresStore({ connectionString: url, keyRing, schema: 'zoho_auth_bench' })
  }
  throw new Error(`unknown store kind ${kind}`)
}

/** A TokenManager on the emulator's data centres for one OAuth client. */
export async function openManager(base, store, client, extra = {}) {
  const { TokenManager } = await importDist('tokens/manager.js')
  const { emulatorDataCenters } = await importDist('protocol/data-centers.js')
  return new TokenManager({
    store,
    client,
    dataCenters: emulatorDataCenters(base),
    allowInsecureHTTP: true,
    ...extra,
  })
}
