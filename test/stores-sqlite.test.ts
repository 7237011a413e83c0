import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import { SQLITE_MIGRATIONS } from '../src/stores/sqlite-schema.js'
import { defaultDatabasePath, openSqliteStore } from '../src/stores/sqlite.js'
import { describeCrossProcess } from './fixtures/cross-process.js'
import { sqliteAtMigration4 } from './fixtures/schema-v4.js'
import { newConnection, writeEverySecret } from './store-contract.js'
import { newApiKey } from './store-contract-marks-keys.js'

const T0 = 1_700_000_000_000
let dir: string
let path: string
const key = generateEncryptionKey()
const keyRing = KeyRing.parse(key)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoho-auth-sqlite-'))
  path = join(dir, 'nested', 'zoho-auth.db')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const modeOf = (file: string): number => statSync(file).mode & 0o777

describe('SqliteStore files', () => {
  it('SqliteStore creates the database 0600 in a 0700 directory, WAL files 0600 too', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.create(newConnection('acme'), T0)
    expect(modeOf(join(dir, 'nested'))).toBe(0o700)
    expect(modeOf(path)).toBe(0o600)
    expect(existsSync(`${path}-wal`)).toBe(true)
    expect(modeOf(`${path}-wal`)).toBe(0o600)
    expect(modeOf(`${path}-shm`)).toBe(0o600)
    await store.close()
  })

  it('SqliteStore uses WAL journaling', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.close()
    const db = new Database(path)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('SqliteStore waits for another process holding the write lock instead of failing busy', async () => {
    const store = await openSqliteStore({ path, keyRing })
    // Another process takes the write lock for 400 ms; our write must wait it out (busy_timeout).
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE');
         process.stdout.write('locked\\n'); const end = Date.now() + 400; while (Date.now() < end) {}
         db.exec('COMMIT'); db.close()`,
        path,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise((resolve) => holder.stdout.once('data', resolve))
    const started = Date.now()
    await store.create(newConnection('acme'), T0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    expect((await store.get('acme'))?.version).toBe(1)
    await new Promise((resolve) => holder.once('exit', resolve))
    await store.close()
  })

  it('defaultDatabasePath puts the file under $XDG_DATA_HOME/zoho-auth', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/data', HOME: '/home/u' })).toBe(
      '/data/zoho-auth/zoho-auth.db',
    )
    expect(defaultDatabasePath({ HOME: '/home/u' })).toBe(
      '/home/u/.local/share/zoho-auth/zoho-auth.db',
    )
  })
})

describe('SqliteStore encryption at rest', () => {
  it('SqliteStore never writes a token or secret in plain text (file and WAL)', async () => {
    const store = await openSqliteStore({ path, keyRing })
    const secrets = await writeEverySecret(store, T0)

    const raw = Buffer.concat([readFileSync(path), readFileSync(`${path}-wal`)]).toString('latin1')
    // The scan can see plain text: the non-secret columns are there.
    expect(raw).toContain('owner@example.com')
    for (const secret of secrets) {
      expect(raw).not.toContain(secret)
      expect(raw).not.toContain(secret.split('.')[1] ?? secret)
    }
    await store.close()
  })

  it('SqliteStore read of a row under a key that is not in the ring fails with ERR_ENCRYPTION_KEY', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.create(newConnection('acme'), T0)
    await store.close()
    // Mid-rotation: the new key wrote globex, then the old key was dropped before reencryptAll.
    const newKey = generateEncryptionKey()
    const rotating = await openSqliteStore({
      path,
      keyRing: KeyRing.parse(`${newKey},${key}`),
    })
    await rotating.create(newConnection('globex'), T0)
    await rotating.close()
    const other = KeyRing.parse(newKey)
    const partial = await openSqliteStore({ path, keyRing: other })
    await expect(partial.get('acme')).rejects.toMatchObject({
      code: 'ERR_ENCRYPTION_KEY',
      reason: 'unknown_key_id',
      message: `The stored secrets of "acme" were encrypted with key id ${keyRing.primaryKeyId}, which is not in ZOHO_AUTH_ENCRYPTION_KEY (it has ${other.primaryKeyId})`,
    })
    await expect(partial.list()).rejects.toMatchObject({ code: 'ERR_ENCRYPTION_KEY' })
    expect((await partial.get('globex'))?.id).toBe('globex')
    await partial.close()
  })

  it('SqliteStore refuses a ciphertext moved to another row (the id is associated data)', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.create(newConnection('acme'), T0)
    await store.create(newConnection('globex'), T0)
    const db = new Database(path)
    db.prepare(
      `UPDATE connections SET refresh_token_enc =
         (SELECT refresh_token_enc FROM connections WHERE id = 'acme') WHERE id = 'globex'`,
    ).run()
    db.close()
    await expect(store.get('globex')).rejects.toMatchObject({
      code: 'ERR_ENCRYPTION_KEY',
      reason: 'authentication_failed',
      message: `The stored secrets of "globex" failed authentication under key id ${keyRing.primaryKeyId}: they were altered, or copied from another row`,
    })
    await store.close()
  })
})

describe('SqliteStore key census', () => {
  it('SqliteStore.rowsUnderOtherKeys lists the rows with a secret not under the primary key, without decrypting', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.create(newConnection('acme'), T0)
    await store.saveClient({ clientId: 'c1', clientSecret: 's', dcSecrets: {} }, T0)
    await store.close()
    const rotating = await openSqliteStore({
      path,
      keyRing: KeyRing.parse(`${generateEncryptionKey()},${key}`),
    })
    await rotating.create(newConnection('globex'), T0)
    const old = keyRing.primaryKeyId
    expect(await rotating.rowsUnderOtherKeys()).toEqual([
      { kind: 'client', id: 'c1', keyId: old },
      { kind: 'connection', id: 'acme', keyId: old },
    ])
    await rotating.reencryptAll()
    expect(await rotating.rowsUnderOtherKeys()).toEqual([])
    await rotating.close()
  })
})

describe('SqliteStore migrations', () => {
  it('SqliteStore.migrate records each migration once however often it runs', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.migrate()
    await store.close()
    const again = await openSqliteStore({ path, keyRing })
    await again.close()
    const db = new Database(path)
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'connections, clients, mints' },
      { version: 2, name: 'deleted connection versions' },
      { version: 3, name: 'settings' },
      { version: 4, name: 'evicted flag' },
      { version: 5, name: 'single-use marks, api keys' },
    ])
    db.close()
  })

  it('SqliteStore.migrate upgrades a database at migration 4: marks and API keys work, rows kept', async () => {
    mkdirSync(join(dir, 'nested'), { recursive: true })
    const old = new Database(path)
    const acme = newConnection('acme')
    await sqliteAtMigration4(old, acme, keyRing, T0)
    old.close()
    const store = await openSqliteStore({ path, keyRing })
    expect(await store.get('acme')).toMatchObject({
      refreshToken: acme.refreshToken,
      accessToken: acme.accessToken,
      version: 1,
    })
    expect(await store.consumeOnce('state', T0 + 60_000, T0)).toBe(true)
    expect(await store.consumeOnce('state', T0 + 60_000, T0)).toBe(false)
    const record = newApiKey('k1', T0)
    await store.createApiKey(record)
    expect(await store.findApiKeyByHash(record.hash)).toEqual(record)
    await store.close()
    const db = new Database(path)
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(5)
    db.close()
  })

  it('SqliteStore.migrate refuses a database from a newer zoho-auth', async () => {
    const store = await openSqliteStore({ path, keyRing })
    await store.close()
    const db = new Database(path)
    db.prepare(`INSERT INTO schema_migrations VALUES (99, 'future', 0)`).run()
    db.close()
    await expect(openSqliteStore({ path, keyRing })).rejects.toMatchObject({
      code: 'ERR_STORE',
      message: `The database schema is at version 99, newer than this zoho-auth knows (${SQLITE_MIGRATIONS.length})`,
      remedy: 'Upgrade zoho-auth to the version that last wrote this database.',
    })
  })
})

describe('SqliteStore across handles in one process', () => {
  it('SqliteStore.waitForChange on one handle wakes on a write through another', async () => {
    const a = await openSqliteStore({ path, keyRing })
    const b = await openSqliteStore({ path, keyRing })
    const created = await a.create(newConnection('acme'), T0)
    const started = Date.now()
    const waiting = b.waitForChange('acme', 5_000)
    setTimeout(() => void a.update('acme', { lastError: 'x' }, created.version, T0 + 1), 100)
    await waiting
    expect(Date.now() - started).toBeLessThan(2_000)
    await a.close()
    await b.close()
  })
})

describeCrossProcess('SqliteStore', async () => {
  const raceDir = mkdtempSync(join(tmpdir(), 'zoho-auth-race-'))
  const racePath = join(raceDir, 'race.db')
  return {
    task: { kind: 'sqlite', path: racePath },
    key,
    open: (ring = keyRing) => openSqliteStore({ path: racePath, keyRing: ring }),
    appliedMigrations: async () => {
      const db = new Database(racePath)
      const { n } = db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }
      db.close()
      return n
    },
    migrationCount: SQLITE_MIGRATIONS.length,
    cleanup: async () => rmSync(raceDir, { recursive: true, force: true }),
  }
})
