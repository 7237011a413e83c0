/**
 * The contract every ConnectionStore passes: memory, SQLite and PostgreSQL run this same suite
 * (test/stores.test.ts). Stores that persist and encrypt also pass the key-rotation part.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import type { ConnectionStore, NewConnection } from '../src/stores/store.js'
import { defineMarksAndKeysContract } from './store-contract-marks-keys.js'

export interface StoreUnderTest {
  store: ConnectionStore
  /** Opens another handle on the same data under `keyRing` (persistent, encrypting stores). */
  reopen?: (keyRing: KeyRing) => Promise<ConnectionStore>
  /** Removes what the store left behind (files, schemas), after every handle is closed. */
  cleanup?: () => Promise<void>
  /** Rows in the single-use marks table, read behind the store's back (SQL stores). */
  countMarks?: () => Promise<number>
}

/** Makes a fresh, empty, migrated store encrypting under `keyRing`. */
export type StoreMaker = (keyRing: KeyRing) => Promise<StoreUnderTest>

const T0 = 1_700_000_000_000

/** A token in Zoho's shape (`1000.<32 hex>.<32 hex>`), different every call. */
export function fakeZohoToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`
}

/** A new connection for tests, with fresh tokens. */
export function newConnection(id: string, overrides: Partial<NewConnection> = {}): NewConnection {
  return {
    id,
    clientId: '1000.CLIENTID0000000000000000000000',
    dc: 'eu',
    accountsServer: 'https://accounts.zoho.eu',
    apiDomain: 'https://www.zohoapis.eu',
    scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
    zuid: '20012345',
    email: 'owner@example.com',
    refreshToken: fakeZohoToken(),
    accessToken: fakeZohoToken(),
    accessTokenExpiresAt: T0 + 3_600_000,
    status: 'active',
    lastError: null,
    evicted: false,
    ...overrides,
  }
}

async function elapsed(work: Promise<unknown>): Promise<number> {
  const started = Date.now()
  await work
  return Date.now() - started
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function describeStoreContract(name: string, makeStore: StoreMaker): void {
  describe(`${name} store contract`, () => {
    const keyText = generateEncryptionKey()
    const keyRing = KeyRing.parse(keyText)
    let subject: StoreUnderTest
    let store: ConnectionStore
    const extraHandles: ConnectionStore[] = []

    beforeEach(async () => {
      subject = await makeStore(keyRing)
      store = subject.store
    })

    afterEach(async () => {
      for (const handle of extraHandles.splice(0)) await handle.close()
      await store.close()
      await subject.cleanup?.()
    })

    it('get returns null for an unknown id, list is empty at first', async () => {
      expect(await store.get('nobody')).toBeNull()
      expect(await store.list()).toEqual([])
    })

    it('create stores every field, sets version 1 and the timestamps, and get returns it', async () => {
      const input = newConnection('acme')
      const created = await store.create(input, T0)
      expect(created).toEqual({ ...input, version: 1, createdAt: T0, updatedAt: T0 })
      expect(await store.get('acme')).toEqual(created)
    })

    it('create keeps nulls as nulls', async () => {
      const input = newConnection('bare', {
        zuid: null,
        email: null,
        accessToken: null,
        accessTokenExpiresAt: null,
        status: 'needs_reauth',
        lastError: 'refresh failed: invalid_code',
        scopes: [],
      })
      await store.create(input, T0)
      expect(await store.get('bare')).toEqual({
        ...input,
        version: 1,
        createdAt: T0,
        updatedAt: T0,
      })
    })

    it('create on an existing id throws ConnectionExistsError and leaves the row alone', async () => {
      const first = await store.create(newConnection('acme'), T0)
      const error = await store.create(newConnection('acme'), T0 + 1).catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'ConnectionExistsError',
        code: 'ERR_CONNECTION_EXISTS',
        message: 'A connection with id "acme" already exists',
      })
      expect(await store.get('acme')).toEqual(first)
    })

    it('listIds returns every id ordered as list does, without reading a secret', async () => {
      await store.create(newConnection('b'), T0)
      await store.create(newConnection('a'), T0)
      expect(await store.listIds()).toEqual(['a', 'b'])
      await store.delete('a')
      expect(await store.listIds()).toEqual(['b'])
    })

    it('list returns every connection ordered by id', async () => {
      await store.create(newConnection('b'), T0)
      await store.create(newConnection('a'), T0)
      await store.create(newConnection('c'), T0)
      expect((await store.list()).map((c) => c.id)).toEqual(['a', 'b', 'c'])
    })

    it('get returns copies: changing a result does not change the store', async () => {
      const created = await store.create(newConnection('acme'), T0)
      const read = (await store.get('acme'))!
      read.scopes.push('Injected.ALL')
      read.refreshToken = 'changed'
      created.scopes.push('Injected.ALL')
      expect((await store.get('acme'))!.scopes).toEqual([
        'ZohoCRM.modules.ALL',
        'ZohoCRM.users.READ',
      ])
      expect((await store.get('acme'))!.refreshToken).not.toBe('changed')
    })

    it('update applies the patch when the version matches and bumps version and updatedAt', async () => {
      const created = await store.create(newConnection('acme'), T0)
      const accessToken = fakeZohoToken()
      const updated = await store.update(
        'acme',
        { accessToken, accessTokenExpiresAt: T0 + 7_200_000, lastError: null },
        1,
        T0 + 5,
      )
      expect(updated).toEqual({
        ...created,
        accessToken,
        accessTokenExpiresAt: T0 + 7_200_000,
        version: 2,
        updatedAt: T0 + 5,
      })
      expect(await store.get('acme')).toEqual(updated)
    })

    it('update can clear the access token and change status, scopes and refresh token', async () => {
      await store.create(newConnection('acme'), T0)
      const refreshToken = fakeZohoToken()
      const updated = await store.update(
        'acme',
        {
          accessToken: null,
          accessTokenExpiresAt: null,
          status: 'revoked',
          scopes: ['A.READ'],
          refreshToken,
        },
        1,
        T0 + 1,
      )
      expect(updated).toMatchObject({
        accessToken: null,
        accessTokenExpiresAt: null,
        status: 'revoked',
        scopes: ['A.READ'],
        refreshToken,
      })
    })

    it('create without evicted stores false; update sets and clears it', async () => {
      const { evicted: _evicted, ...withoutFlag } = newConnection('acme')
      expect(await store.create(withoutFlag, T0)).toMatchObject({ evicted: false })
      const marked = await store.update(
        'acme',
        { status: 'needs_reauth', evicted: true },
        1,
        T0 + 1,
      )
      expect(marked).toMatchObject({ status: 'needs_reauth', evicted: true })
      expect(await store.get('acme')).toMatchObject({ evicted: true })
      expect((await store.list())[0]).toMatchObject({ evicted: true })
      await store.update('acme', { status: 'active', evicted: false }, 2, T0 + 2)
      expect(await store.get('acme')).toMatchObject({ status: 'active', evicted: false })
    })

    it('update with a stale version returns null and changes nothing (compare-and-set)', async () => {
      await store.create(newConnection('acme'), T0)
      const winner = await store.update('acme', { lastError: 'first' }, 1, T0 + 1)
      const loser = await store.update('acme', { lastError: 'second' }, 1, T0 + 2)
      expect(winner?.version).toBe(2)
      expect(loser).toBeNull()
      expect(await store.get('acme')).toMatchObject({ lastError: 'first', version: 2 })
    })

    it('update of a missing connection returns null', async () => {
      expect(await store.update('ghost', { lastError: 'x' }, 1, T0)).toBeNull()
    })

    it('update racing on one version: exactly one caller wins', async () => {
      await store.create(newConnection('acme'), T0)
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.update('acme', { lastError: `w${i}` }, 1, T0 + i),
        ),
      )
      const winners = results.filter((row) => row !== null)
      expect(winners).toHaveLength(1)
      expect(await store.get('acme')).toMatchObject({
        version: 2,
        lastError: winners[0]!.lastError,
      })
    })

    it('delete removes the connection once and reports whether it existed', async () => {
      await store.create(newConnection('acme'), T0)
      expect(await store.delete('acme')).toBe(true)
      expect(await store.get('acme')).toBeNull()
      expect(await store.delete('acme')).toBe(false)
    })

    it('create after delete continues the version, so a write fenced on the old version loses', async () => {
      await store.create(newConnection('acme'), T0)
      expect(await store.delete('acme')).toBe(true)
      const input = newConnection('acme')
      const recreated = await store.create(input, T0 + 1)
      expect(recreated).toEqual({ ...input, version: 2, createdAt: T0 + 1, updatedAt: T0 + 1 })
      expect(await store.update('acme', { accessToken: fakeZohoToken() }, 1, T0 + 2)).toBeNull()
      expect(await store.get('acme')).toEqual(recreated)
    })

    it('create after delete continues from the last version the deleted row reached', async () => {
      const first = await store.create(newConnection('acme'), T0)
      const second = await store.update('acme', { lastError: 'a' }, first.version, T0 + 1)
      const third = await store.update('acme', { lastError: 'b' }, second!.version, T0 + 2)
      expect(third?.version).toBe(3)
      await store.delete('acme')
      expect((await store.create(newConnection('acme'), T0 + 3)).version).toBe(4)
      await store.delete('acme')
      expect((await store.create(newConnection('acme'), T0 + 4)).version).toBe(5)
      for (const stale of [1, 2, 3, 4]) {
        expect(await store.update('acme', { lastError: 'stale' }, stale, T0 + 5)).toBeNull()
      }
      expect(await store.get('acme')).toMatchObject({ version: 5, lastError: null })
    })

    it('create after delete of another id, or a failed create, leaves versions alone', async () => {
      await store.create(newConnection('acme'), T0)
      await store.update('acme', { lastError: 'a' }, 1, T0 + 1)
      await store.delete('acme')
      expect((await store.create(newConnection('other'), T0 + 2)).version).toBe(1)
      await store.create(newConnection('acme'), T0 + 3)
      const error = await store.create(newConnection('acme'), T0 + 4).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'ERR_CONNECTION_EXISTS' })
      await store.delete('acme')
      expect((await store.create(newConnection('acme'), T0 + 5)).version).toBe(4)
    })

    it('create racing after a delete: exactly one caller wins, at the continued version', async () => {
      await store.create(newConnection('acme'), T0)
      await store.update('acme', { lastError: 'a' }, 1, T0 + 1)
      await store.delete('acme')
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => store.create(newConnection('acme'), T0 + 2 + i)),
      )
      const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
      const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
      expect(winners.map((row) => row.version)).toEqual([3])
      expect(losers).toHaveLength(5)
      for (const loser of losers) expect(loser).toMatchObject({ code: 'ERR_CONNECTION_EXISTS' })
      expect(await store.get('acme')).toEqual(winners[0])
    })

    it('delete drops the lease with the connection', async () => {
      await store.create(newConnection('acme'), T0)
      expect(await store.acquireLease('acme', 'A', 60_000, T0)).toBe(true)
      await store.delete('acme')
      await store.create(newConnection('acme'), T0)
      expect(await store.acquireLease('acme', 'B', 60_000, T0)).toBe(true)
    })

    it('acquireLease: first owner wins, renews, others are refused until it expires', async () => {
      await store.create(newConnection('acme'), T0)
      expect(await store.acquireLease('acme', 'A', 1000, T0)).toBe(true)
      expect(await store.acquireLease('acme', 'B', 1000, T0 + 10)).toBe(false)
      expect(await store.acquireLease('acme', 'A', 1000, T0 + 500)).toBe(true)
      // A renewed until T0 + 1500, so at T0 + 1000 it still holds.
      expect(await store.acquireLease('acme', 'B', 1000, T0 + 1000)).toBe(false)
      expect(await store.acquireLease('acme', 'B', 1000, T0 + 1500)).toBe(true)
      expect(await store.acquireLease('acme', 'A', 1000, T0 + 1600)).toBe(false)
    })

    it('acquireLease on a missing connection is refused', async () => {
      expect(await store.acquireLease('ghost', 'A', 1000, T0)).toBe(false)
    })

    it('acquireLease does not change the connection version', async () => {
      await store.create(newConnection('acme'), T0)
      await store.acquireLease('acme', 'A', 1000, T0)
      expect((await store.get('acme'))!.version).toBe(1)
    })

    it('releaseLease only lets the holder release', async () => {
      await store.create(newConnection('acme'), T0)
      await store.acquireLease('acme', 'A', 60_000, T0)
      await store.releaseLease('acme', 'B')
      expect(await store.acquireLease('acme', 'B', 60_000, T0 + 1)).toBe(false)
      await store.releaseLease('acme', 'A')
      expect(await store.acquireLease('acme', 'B', 60_000, T0 + 2)).toBe(true)
      await store.releaseLease('ghost', 'B')
    })

    it('acquireLease racing in one process: exactly one owner wins', async () => {
      await store.create(newConnection('acme'), T0)
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.acquireLease('acme', `owner-${i}`, 60_000, T0)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })

    it('recordMint returns the mints inside the window, oldest first, including this one', async () => {
      expect(await store.recordMint('k', T0, 10_000)).toEqual([T0])
      expect(await store.recordMint('k', T0 + 4_000, 10_000)).toEqual([T0, T0 + 4_000])
      expect(await store.recordMint('k', T0 + 4_000, 10_000)).toEqual([T0, T0 + 4_000, T0 + 4_000])
      expect(await store.recordMint('other', T0 + 5_000, 10_000)).toEqual([T0 + 5_000])
    })

    it('mintsInWindow counts the window edge in and drops what fell out of it', async () => {
      await store.recordMint('k', T0, 10_000)
      await store.recordMint('k', T0 + 3_000, 10_000)
      expect(await store.mintsInWindow('k', T0 + 10_000, 10_000)).toEqual([T0, T0 + 3_000])
      expect(await store.mintsInWindow('k', T0 + 10_001, 10_000)).toEqual([T0 + 3_000])
      expect(await store.mintsInWindow('k', T0 + 13_001, 10_000)).toEqual([])
      expect(await store.mintsInWindow('unknown', T0, 10_000)).toEqual([])
    })

    it('forgetMint takes back exactly one recorded mint and ignores one that is not there', async () => {
      await store.recordMint('k', T0, 10_000)
      await store.recordMint('k', T0 + 1_000, 10_000)
      await store.recordMint('k', T0 + 1_000, 10_000)
      await store.forgetMint('k', T0 + 1_000)
      expect(await store.mintsInWindow('k', T0 + 2_000, 10_000)).toEqual([T0, T0 + 1_000])
      await store.forgetMint('k', T0 + 5_000)
      await store.forgetMint('other', T0)
      expect(await store.mintsInWindow('k', T0 + 2_000, 10_000)).toEqual([T0, T0 + 1_000])
    })

    it('recordMint prunes mints that left the window, and a later look cannot see them', async () => {
      await store.recordMint('k', T0, 10_000)
      await store.recordMint('k', T0 + 9_000, 10_000)
      expect(await store.recordMint('k', T0 + 10_500, 10_000)).toEqual([T0 + 9_000, T0 + 10_500])
      // Pruned, not just hidden: even a wider window no longer finds the first mint.
      expect(await store.mintsInWindow('k', T0 + 10_500, 60_000)).toEqual([T0 + 9_000, T0 + 10_500])
    })

    it('mintsInWindow ignores mints recorded after `now`', async () => {
      await store.recordMint('k', T0, 10_000)
      await store.recordMint('k', T0 + 2_000, 10_000)
      expect(await store.mintsInWindow('k', T0 + 1_000, 10_000)).toEqual([T0])
    })

    it('waitForChange resolves soon after a write to that connection', async () => {
      const created = await store.create(newConnection('acme'), T0)
      const waited = elapsed(store.waitForChange('acme', 3_000))
      await delay(100)
      await store.update('acme', { lastError: 'x' }, created.version, T0 + 1)
      expect(await waited).toBeLessThan(2_000)
    })

    it('waitForChange resolves when the lease holder lets go', async () => {
      await store.create(newConnection('acme'), T0)
      await store.acquireLease('acme', 'A', 60_000, T0)
      const waited = elapsed(store.waitForChange('acme', 3_000))
      await delay(100)
      await store.releaseLease('acme', 'A')
      expect(await waited).toBeLessThan(2_000)
    })

    it('waitForChange resolves when the connection is deleted', async () => {
      await store.create(newConnection('acme'), T0)
      const waited = elapsed(store.waitForChange('acme', 3_000))
      await delay(100)
      await store.delete('acme')
      expect(await waited).toBeLessThan(2_000)
    })

    it('waitForChange times out when nothing is written to that connection', async () => {
      await store.create(newConnection('acme'), T0)
      const other = await store.create(newConnection('other'), T0)
      const waited = elapsed(store.waitForChange('acme', 400))
      await delay(50)
      await store.update('other', { lastError: 'x' }, other.version, T0 + 1)
      expect(await waited).toBeGreaterThanOrEqual(390)
    })

    it('rename moves every field to the new id, readable, at a version past both ids', async () => {
      const created = await store.create(newConnection('old'), T0)
      await store.create(newConnection('new'), T0)
      await store.delete('new')
      await store.setDefaultConnection('old')
      const renamed = await store.rename('old', 'new', T0 + 5)
      const { id: _id, version: _v, updatedAt: _u, ...fields } = created
      expect(renamed).toEqual({ ...fields, id: 'new', version: 2, updatedAt: T0 + 5 })
      expect(await store.get('new')).toEqual(renamed)
      expect(await store.get('old')).toBeNull()
      expect(await store.listIds()).toEqual(['new'])
      expect(await store.getDefaultConnection()).toBe('new')
      // A write fenced on the old row loses; a re-created old id continues past it.
      expect(await store.update('old', { lastError: 'late' }, 1, T0 + 6)).toBeNull()
      expect((await store.create(newConnection('old'), T0 + 7)).version).toBe(2)
    })

    it('rename onto a taken id throws ConnectionExistsError and changes nothing', async () => {
      const a = await store.create(newConnection('a'), T0)
      const b = await store.create(newConnection('b'), T0)
      await store.setDefaultConnection('a')
      await expect(store.rename('a', 'b', T0 + 1)).rejects.toMatchObject({
        code: 'ERR_CONNECTION_EXISTS',
      })
      expect(await store.get('a')).toEqual(a)
      expect(await store.get('b')).toEqual(b)
      expect(await store.getDefaultConnection()).toBe('a')
      expect(await store.rename('missing', 'c', T0 + 1)).toBeNull()
      expect(await store.listIds()).toEqual(['a', 'b'])
    })

    it('a renamed row reads through another handle (secrets are under the new id)', async () => {
      if (!subject.reopen) return
      const created = await store.create(newConnection('old'), T0)
      await store.rename('old', 'fresh', T0 + 1)
      const other = await subject.reopen(keyRing)
      extraHandles.push(other)
      expect(await other.get('fresh')).toMatchObject({
        refreshToken: created.refreshToken,
        accessToken: created.accessToken,
      })
    })

    it('the default connection is unset at first, set, replaced and cleared', async () => {
      expect(await store.getDefaultConnection()).toBeNull()
      await store.setDefaultConnection('acme')
      expect(await store.getDefaultConnection()).toBe('acme')
      await store.setDefaultConnection('globex')
      expect(await store.getDefaultConnection()).toBe('globex')
      await store.setDefaultConnection(null)
      expect(await store.getDefaultConnection()).toBeNull()
      await store.setDefaultConnection(null)
      expect(await store.getDefaultConnection()).toBeNull()
    })

    it('the default connection is shared by every handle on the store', async () => {
      if (!subject.reopen) return
      await store.setDefaultConnection('acme')
      const other = await subject.reopen(keyRing)
      extraHandles.push(other)
      expect(await other.getDefaultConnection()).toBe('acme')
    })

    it('saveClient stores the secrets and getClient returns them', async () => {
      const client = {
        clientId: '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123',
        clientSecret: randomBytes(21).toString('hex'),
        dcSecrets: { eu: randomBytes(21).toString('hex'), in: randomBytes(21).toString('hex') },
      }
      const saved = await store.saveClient(client, T0)
      expect(saved).toEqual({ ...client, createdAt: T0, updatedAt: T0 })
      expect(await store.getClient(client.clientId)).toEqual(saved)
      expect(await store.getClient('1000.UNKNOWN')).toBeNull()
    })

    it('saveClient again replaces the secrets and keeps createdAt', async () => {
      await store.saveClient({ clientId: 'c1', clientSecret: 's1', dcSecrets: { eu: 'e1' } }, T0)
      const again = await store.saveClient(
        { clientId: 'c1', clientSecret: 's2', dcSecrets: {} },
        T0 + 9,
      )
      expect(again).toEqual({
        clientId: 'c1',
        clientSecret: 's2',
        dcSecrets: {},
        createdAt: T0,
        updatedAt: T0 + 9,
      })
      expect(await store.getClient('c1')).toEqual(again)
    })

    it('listClients and deleteClient', async () => {
      await store.saveClient({ clientId: 'c2', clientSecret: 's', dcSecrets: {} }, T0)
      await store.saveClient({ clientId: 'c1', clientSecret: 's', dcSecrets: {} }, T0)
      expect((await store.listClients()).map((c) => c.clientId)).toEqual(['c1', 'c2'])
      expect(await store.deleteClient('c1')).toBe(true)
      expect(await store.deleteClient('c1')).toBe(false)
      expect((await store.listClients()).map((c) => c.clientId)).toEqual(['c2'])
    })

    it('reencryptAll under an unchanged key ring changes nothing and everything still reads', async () => {
      const created = await store.create(newConnection('acme'), T0)
      await store.saveClient({ clientId: 'c1', clientSecret: 's', dcSecrets: { eu: 'e' } }, T0)
      expect(await store.reencryptAll()).toBe(0)
      expect(await store.get('acme')).toEqual(created)
      expect(await store.getClient('c1')).toMatchObject({
        clientSecret: 's',
        dcSecrets: { eu: 'e' },
      })
    })

    it('reencryptAll rotates keys: new key first and old after reads, rewrites, then the old key can go', async (ctx) => {
      if (subject.reopen === undefined) return ctx.skip()
      const acme = await store.create(newConnection('acme'), T0)
      const bare = await store.create(newConnection('bare', { accessToken: null }), T0)
      const client = await store.saveClient(
        { clientId: 'c1', clientSecret: 's', dcSecrets: { eu: 'e' } },
        T0,
      )
      const oldKey = keyRing
      const newKey = generateEncryptionKey()
      const rotating = await subject.reopen(KeyRing.parse(`${newKey},${keyText}`))
      extraHandles.push(rotating)
      expect(await rotating.get('acme')).toEqual(acme)
      expect(await rotating.reencryptAll()).toBe(3)
      expect(await rotating.reencryptAll()).toBe(0)

      const rotated = await subject.reopen(KeyRing.parse(newKey))
      extraHandles.push(rotated)
      expect(await rotated.list()).toEqual([acme, bare])
      expect(await rotated.getClient('c1')).toEqual(client)

      // The old key alone holds none of the keys the data is under now: the store says so on open.
      const newId = KeyRing.parse(newKey).primaryKeyId
      const error = await subject.reopen(oldKey).catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'EncryptionKeyError',
        code: 'ERR_ENCRYPTION_KEY',
        reason: 'wrong_key',
        keyId: newId,
      })
    })

    it('a key ring holding none of the keys the data is under is refused before it writes anything', async (ctx) => {
      if (subject.reopen === undefined) return ctx.skip()
      const acme = await store.create(newConnection('acme'), T0)
      const otherKey = KeyRing.parse(generateEncryptionKey())
      const error = await subject.reopen(otherKey).catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'EncryptionKeyError',
        code: 'ERR_ENCRYPTION_KEY',
        reason: 'wrong_key',
        keyId: keyRing.primaryKeyId,
        message: `ZOHO_AUTH_ENCRYPTION_KEY is not the key this database is encrypted with: its data is under key id ${keyRing.primaryKeyId}, the key ring has ${otherKey.primaryKeyId}`,
      })
      expect((error as { remedy: string }).remedy).toContain(keyRing.primaryKeyId)
      // Nothing was written under the other key; the right key still reads everything.
      expect(await store.list()).toEqual([acme])
      // A ring that adds a new key in front of the right one is a rotation, not a wrong key.
      const rotating = await subject.reopen(KeyRing.parse(`${generateEncryptionKey()},${keyText}`))
      extraHandles.push(rotating)
      await rotating.create(newConnection('globex'), T0)
      expect(await store.listIds()).toEqual(['acme', 'globex'])
    })

    it('an empty store takes any key ring, and a ring it refused can write once the data is gone', async (ctx) => {
      if (subject.reopen === undefined) return ctx.skip()
      const otherKey = KeyRing.parse(generateEncryptionKey())
      const first = await subject.reopen(otherKey)
      extraHandles.push(first)
      await store.create(newConnection('acme'), T0)
      // The handle opened on the empty store checks again before its first write.
      await expect(first.create(newConnection('globex'), T0)).rejects.toMatchObject({
        reason: 'wrong_key',
      })
      expect(await store.listIds()).toEqual(['acme'])
      await store.delete('acme')
      await first.create(newConnection('globex'), T0)
      expect(await first.listIds()).toEqual(['globex'])
    })

    defineMarksAndKeysContract(() => subject, keyRing)
  })
}

/**
 * Writes every kind of secret a store keeps (refresh and access tokens of two connections, an
 * updated access token, a client secret and a per-DC secret) and returns them, for tests that
 * then read the raw database and must find none of them.
 */
export async function writeEverySecret(store: ConnectionStore, at: number): Promise<string[]> {
  const secrets: string[] = []
  for (const id of ['acme', 'globex']) {
    const connection = newConnection(id)
    secrets.push(connection.refreshToken, connection.accessToken!)
    const created = await store.create(connection, at)
    const accessToken = fakeZohoToken()
    secrets.push(accessToken)
    await store.update(id, { accessToken }, created.version, at + 1)
  }
  const clientSecret = randomBytes(21).toString('hex')
  const euSecret = randomBytes(21).toString('hex')
  secrets.push(clientSecret, euSecret)
  await store.saveClient({ clientId: 'c1', clientSecret, dcSecrets: { eu: euSecret } }, at)
  return secrets
}
