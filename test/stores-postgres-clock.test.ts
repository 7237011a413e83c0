/**
 * Instances on different machines judge leases and mint windows by the database's clock, not
 * their own: two stores on one schema, one of them in a process whose clock is 5 minutes off
 * (an injected clock, passed as `now` the way the token manager passes its own).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import { openPostgresStore, type PostgresStore } from '../src/stores/postgres.js'
import {
  TEST_DATABASE_URL,
  dropSchema,
  requirePostgres,
  uniqueSchema,
} from './fixtures/postgres.js'
import { newConnection } from './store-contract.js'

const keyRing = KeyRing.parse(generateEncryptionKey())
const FIVE_MINUTES = 5 * 60_000
const TEN_MINUTES = 10 * 60_000
const postgres = await requirePostgres('PostgresStore clock')

describe.skipIf(!postgres)('PostgresStore on the database clock', () => {
  let schema: string
  let right: PostgresStore
  const skewed: PostgresStore[] = []

  beforeEach(async () => {
    schema = uniqueSchema('clock')
    right = await openPostgresStore({ connectionString: TEST_DATABASE_URL, keyRing, schema })
    await right.create(newConnection('acme'), Date.now())
  })
  afterEach(async () => {
    for (const store of skewed.splice(0)) await store.close()
    await right.close()
    await dropSchema(schema)
  })

  /** A store in a process whose clock is `skewMs` off, and that clock. */
  async function peer(skewMs: number): Promise<{ store: PostgresStore; now: () => number }> {
    const now = (): number => Date.now() + skewMs
    const store = await openPostgresStore({
      connectionString: TEST_DATABASE_URL,
      keyRing,
      schema,
      clock: now,
    })
    skewed.push(store)
    return { store, now }
  }

  it('a peer whose clock is 5 minutes ahead cannot take a live lease', async () => {
    expect(await right.acquireLease('acme', 'right', 30_000, Date.now())).toBe(true)
    const ahead = await peer(FIVE_MINUTES)
    expect(await ahead.store.acquireLease('acme', 'ahead', 30_000, ahead.now())).toBe(false)
  })

  it('a peer whose clock is 5 minutes behind takes a lease once it has expired', async () => {
    // Taken 31 s ago for 30 s: expired a second ago, by any correct clock.
    expect(await right.acquireLease('acme', 'right', 30_000, Date.now() - 31_000)).toBe(true)
    const behind = await peer(-FIVE_MINUTES)
    expect(await behind.store.acquireLease('acme', 'behind', 30_000, behind.now())).toBe(true)
    // ... and holds it for its 30 s against a correct clock.
    expect(await right.acquireLease('acme', 'right', 30_000, Date.now())).toBe(false)
  })

  it('mints of a peer 5 minutes ahead count in the window of the others, at their own time', async () => {
    const ahead = await peer(FIVE_MINUTES)
    const recorded = await ahead.store.recordMint('quota', ahead.now(), TEN_MINUTES)
    expect(recorded).toHaveLength(1)
    expect(Math.abs(recorded[0]! - ahead.now())).toBeLessThan(5_000)
    const seen = await right.mintsInWindow('quota', Date.now(), TEN_MINUTES)
    expect(seen).toHaveLength(1)
    expect(Math.abs(seen[0]! - Date.now())).toBeLessThan(5_000)
  })

  it('a peer 5 minutes behind sees the mints of the others, and its own', async () => {
    await right.recordMint('quota', Date.now(), TEN_MINUTES)
    const behind = await peer(-FIVE_MINUTES)
    const counted = await behind.store.recordMint('quota', behind.now(), TEN_MINUTES)
    expect(counted).toHaveLength(2)
    expect(await behind.store.mintsInWindow('quota', behind.now(), TEN_MINUTES)).toHaveLength(2)
  })

  it('a skewed peer takes back its own mint by the time it recorded it', async () => {
    const ahead = await peer(FIVE_MINUTES)
    const at = ahead.now()
    await ahead.store.recordMint('quota', at, TEN_MINUTES)
    await ahead.store.forgetMint('quota', at)
    expect(await right.mintsInWindow('quota', Date.now(), TEN_MINUTES)).toEqual([])
  })

  it('a token expiry written by one clock is the same instant on a skewed peer, both ways', async () => {
    const expiresAt = Date.now() + 3_600_000
    const created = await right.create(
      newConnection('globex', { accessTokenExpiresAt: expiresAt }),
      Date.now(),
    )
    const ahead = await peer(FIVE_MINUTES)
    const seen = (await ahead.store.get('globex'))!
    // Still an hour left by the peer's own clock, not 55 minutes.
    expect(Math.abs(seen.accessTokenExpiresAt! - ahead.now() - 3_600_000)).toBeLessThan(5_000)
    await ahead.store.update(
      'globex',
      { accessTokenExpiresAt: ahead.now() + 60_000 },
      created.version,
      ahead.now(),
    )
    const back = (await right.get('globex'))!
    expect(Math.abs(back.accessTokenExpiresAt! - Date.now() - 60_000)).toBeLessThan(5_000)
  })
})
