/**
 * Every wait on PostgreSQL has a bound: a server that accepts connections and never answers, or
 * logs in and then answers no query, fails with a StoreError that says so, instead of hanging.
 * Against a real TCP server on 127.0.0.1 (test/fixtures/silent-postgres.ts).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import { PostgresStore, openPostgresStore } from '../src/stores/postgres.js'
import { startSilentPostgres, type SilentPostgres } from './fixtures/silent-postgres.js'
import { within } from './support/within.js'

const keyRing = KeyRing.parse(generateEncryptionKey())
let server: SilentPostgres | null = null

afterEach(async () => {
  await server?.close()
  server = null
})

describe('PostgresStore against a server that never answers', () => {
  it('a server that accepts and never answers fails the open with a timeout StoreError', async () => {
    server = await startSilentPostgres('mute')
    const opening = openPostgresStore({
      connectionString: server.url,
      keyRing,
      connectTimeoutMs: 300,
    })
    const error = await within(
      5_000,
      opening.catch((e: unknown) => e),
    )
    expect(error).toMatchObject({
      name: 'StoreError',
      code: 'ERR_STORE',
      reason: 'timeout',
      message: `PostgreSQL at 127.0.0.1:${server.port} did not complete the connection within 0.3 s`,
    })
    expect((error as { remedy: string }).remedy).toContain('ZOHO_AUTH_DB')
  })

  it('connect_timeout in the URL (seconds, as libpq reads it) bounds the connect', async () => {
    server = await startSilentPostgres('mute')
    const error = await within(
      5_000,
      openPostgresStore({ connectionString: `${server.url}?connect_timeout=1`, keyRing }).catch(
        (e: unknown) => e,
      ),
    )
    expect(error).toMatchObject({
      reason: 'timeout',
      message: `PostgreSQL at 127.0.0.1:${server.port} did not complete the connection within 1 s`,
    })
  })

  it('a server that logs in and then answers no query fails with a timeout StoreError', async () => {
    server = await startSilentPostgres('stalled')
    const error = await within(
      5_000,
      openPostgresStore({ connectionString: server.url, keyRing, queryTimeoutMs: 300 }).catch(
        (e: unknown) => e,
      ),
    )
    expect(error).toMatchObject({
      name: 'StoreError',
      reason: 'timeout',
      message: `PostgreSQL at 127.0.0.1:${server.port} did not answer a query within 0.3 s`,
    })
    expect(server.queryBytes).toBeGreaterThan(0)
  })

  it('a read on a stalled server fails in time, and close does not hang on it', async () => {
    server = await startSilentPostgres('stalled')
    const store = new PostgresStore({ connectionString: server.url, keyRing, queryTimeoutMs: 300 })
    await expect(within(5_000, store.get('acme'))).rejects.toMatchObject({ reason: 'timeout' })
    await within(5_000, store.close())
  })

  it('waitForChange on a stalled server (its LISTEN unanswered) returns, and close does not hang', async () => {
    server = await startSilentPostgres('stalled')
    const store = new PostgresStore({ connectionString: server.url, keyRing, queryTimeoutMs: 300 })
    await within(5_000, store.waitForChange('acme', 100))
    // The listener is still setting up (its queries unanswered): close must not wait forever.
    await within(5_000, store.close())
  })
})
