/**
 * The contract part about single-use marks (`consumeOnce`) and broker API keys, run inside
 * every store's contract suite (test/store-contract.ts) against the store it has open.
 */
import { createHash, randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { KeyRing } from '../src/stores/crypto.js'
import type { ApiKeyRecord, ConnectionStore } from '../src/stores/store.js'

const T0 = 1_700_000_000_000

/** A key record as the broker makes one: random key, its SHA-256, a visible prefix. */
export function newApiKey(id: string, createdAt: number, name = `key ${id}`): ApiKeyRecord {
  const key = `zat_${randomBytes(32).toString('base64url')}`
  return {
    id,
    name,
    prefix: key.slice(0, 12),
    hash: createHash('sha256').update(key).digest('hex'),
    createdAt,
    lastUsedAt: null,
  }
}

/** What the tests need of the store under test, read when each test runs. */
export interface MarksAndKeysSubject {
  store: ConnectionStore
  /** Another handle on the same data (stores that persist). */
  reopen?: (keyRing: KeyRing) => Promise<ConnectionStore>
  /** Rows in the store's single-use table, read behind its back (SQL stores). */
  countMarks?: () => Promise<number>
}

/** Defines the marks-and-keys tests; call inside a describe whose hooks open the store. */
export function defineMarksAndKeysContract(
  current: () => MarksAndKeysSubject,
  keyRing: KeyRing,
): void {
  const store = (): ConnectionStore => current().store

  it('consumeOnce answers true once per key, false while the mark lasts', async () => {
    expect(await store().consumeOnce('state-a', T0 + 60_000, T0)).toBe(true)
    expect(await store().consumeOnce('state-a', T0 + 60_000, T0 + 1)).toBe(false)
    expect(await store().consumeOnce('state-a', T0 + 90_000, T0 + 59_999)).toBe(false)
    expect(await store().consumeOnce('state-b', T0 + 60_000, T0 + 2)).toBe(true)
  })

  it('consumeOnce takes a key again once its mark has expired (expiry counts as expired)', async () => {
    expect(await store().consumeOnce('link', T0 + 1_000, T0)).toBe(true)
    expect(await store().consumeOnce('link', T0 + 5_000, T0 + 999)).toBe(false)
    expect(await store().consumeOnce('link', T0 + 5_000, T0 + 1_000)).toBe(true)
    // The new mark holds until its own expiry, not the old one's.
    expect(await store().consumeOnce('link', T0 + 9_000, T0 + 4_999)).toBe(false)
  })

  it('consumeOnce racing in one process for one key: exactly one caller gets true', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store().consumeOnce('raced', T0 + 60_000, T0 + i)),
    )
    expect(answers.filter(Boolean)).toHaveLength(1)
  })

  it('consumeOnce prunes marks past their expiry', async (ctx) => {
    const { countMarks } = current()
    if (countMarks === undefined) return ctx.skip()
    for (let i = 0; i < 5; i++) await store().consumeOnce(`old-${i}`, T0 + 1_000, T0)
    await store().consumeOnce('young', T0 + 10_000, T0)
    expect(await countMarks()).toBe(6)
    await store().consumeOnce('later', T0 + 20_000, T0 + 5_000)
    expect(await countMarks()).toBe(2)
  })

  it('consumeOnce marks are shared by every handle on the store', async (ctx) => {
    const { reopen } = current()
    if (reopen === undefined) return ctx.skip()
    const other = await reopen(keyRing)
    try {
      expect(await store().consumeOnce('shared', T0 + 60_000, T0)).toBe(true)
      expect(await other.consumeOnce('shared', T0 + 60_000, T0 + 1)).toBe(false)
    } finally {
      await other.close()
    }
  })

  it('createApiKey stores a record that listApiKeys and findApiKeyByHash return as given', async () => {
    const record = newApiKey('k1', T0)
    await store().createApiKey(record)
    expect(await store().listApiKeys()).toEqual([record])
    expect(await store().findApiKeyByHash(record.hash)).toEqual(record)
    expect(await store().findApiKeyByHash('0'.repeat(64))).toBeNull()
  })

  it('listApiKeys is oldest first, creation order breaking ties', async () => {
    const later = newApiKey('a-later', T0 + 5)
    const first = newApiKey('z-first', T0)
    const tie = newApiKey('b-tie', T0)
    for (const record of [later, first, tie]) await store().createApiKey(record)
    expect((await store().listApiKeys()).map((record) => record.id)).toEqual([
      'z-first',
      'b-tie',
      'a-later',
    ])
  })

  it('createApiKey refuses a taken id or hash with ERR_API_KEY_EXISTS and keeps the first', async () => {
    const record = newApiKey('k1', T0)
    await store().createApiKey(record)
    const sameId = { ...newApiKey('k1', T0 + 1), name: 'impostor' }
    const sameHash = { ...newApiKey('k2', T0 + 1), hash: record.hash }
    for (const clash of [sameId, sameHash]) {
      await expect(store().createApiKey(clash)).rejects.toMatchObject({
        code: 'ERR_API_KEY_EXISTS',
        message: `An API key with id "${clash.id}" or the same key already exists`,
      })
    }
    expect(await store().listApiKeys()).toEqual([record])
  })

  it('touchApiKey records the last use; a missing id does nothing', async () => {
    const record = newApiKey('k1', T0)
    await store().createApiKey(record)
    await store().touchApiKey('k1', T0 + 42)
    await store().touchApiKey('nobody', T0 + 43)
    expect(await store().findApiKeyByHash(record.hash)).toEqual({ ...record, lastUsedAt: T0 + 42 })
    expect(await store().listApiKeys()).toHaveLength(1)
  })

  it('deleteApiKey removes the key once and reports whether it existed', async () => {
    const kept = newApiKey('kept', T0)
    const gone = newApiKey('gone', T0 + 1)
    await store().createApiKey(kept)
    await store().createApiKey(gone)
    expect(await store().deleteApiKey('gone')).toBe(true)
    expect(await store().deleteApiKey('gone')).toBe(false)
    expect(await store().findApiKeyByHash(gone.hash)).toBeNull()
    expect(await store().listApiKeys()).toEqual([kept])
  })

  it('API keys returned are copies: changing one does not change the store', async () => {
    const record = newApiKey('k1', T0)
    await store().createApiKey(record)
    const listed = await store().listApiKeys()
    listed[0]!.name = 'changed'
    record.name = 'changed too'
    expect((await store().findApiKeyByHash(record.hash))?.name).toBe('key k1')
  })

  it('API keys created through one handle are found through another', async (ctx) => {
    const { reopen } = current()
    if (reopen === undefined) return ctx.skip()
    const other = await reopen(keyRing)
    try {
      const record = newApiKey('k1', T0)
      await other.createApiKey(record)
      expect(await store().findApiKeyByHash(record.hash)).toEqual(record)
    } finally {
      await other.close()
    }
  })
}
