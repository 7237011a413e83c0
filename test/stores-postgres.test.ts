import { execSync } from 'node:child_process'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../src/stores/crypto.js'
import { PostgresStore, openPostgresStore } from '../src/stores/postgres.js'
import { POSTGRES_MIGRATIONS } from '../src/stores/postgres-schema.js'
import { describeCrossProcess } from './fixtures/cross-process.js'
import { postgresAtMigration4 } from './fixtures/schema-v4.js'
import {
  TEST_DATABASE_URL,
  dropSchema,
  rawQuery,
  requirePostgres,
  uniqueSchema,
} from './fixtures/postgres.js'
import { newConnection, writeEverySecret } from './store-contract.js'
import { newApiKey } from './store-contract-marks-keys.js'

const T0 = 1_700_000_000_000
const key = generateEncryptionKey()
const keyRing = KeyRing.parse(key)

const postgres = await requirePostgres('PostgresStore')

describe('PostgresStore options', () => {
  it('PostgresStore refuses a schema name that is not a plain identifier', () => {
    expect(
      () => new PostgresStore({ connectionString: TEST_DATABASE_URL, keyRing, schema: 'a"; DROP' }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_STORE',
        message: 'Invalid PostgreSQL schema name "a"; DROP"',
      }),
    )
  })

  it('openPostgresStore on an unreachable server fails with ERR_STORE and a remedy', async () => {
    await expect(
      openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', keyRing }),
    ).rejects.toMatchObject({
      code: 'ERR_STORE',
      message: 'Cannot use the PostgreSQL database: connect ECONNREFUSED 127.0.0.1:1',
      remedy:
        'Check that PostgreSQL is running and that ZOHO_AUTH_DB has the right host, port, database, user and password.',
    })
  })
})

describe.skipIf(!postgres)('PostgresStore refusals, with what to do', () => {
  const server = new URL(TEST_DATABASE_URL)
  const at = `${server.hostname}:${server.port || '5432'}`

  it('an unknown role is named, with how to create it', async () => {
    const url = new URL(TEST_DATABASE_URL)
    url.username = 'zat_no_such_role'
    url.password = ''
    const error = await openPostgresStore({ connectionString: url.href, keyRing }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      name: 'StoreError',
      code: 'ERR_STORE',
      reason: 'login_refused',
      message: `PostgreSQL at ${at} refused the login of role "zat_no_such_role": role "zat_no_such_role" does not exist`,
    })
    expect((error as { remedy: string }).remedy).toContain(`CREATE ROLE "zat_no_such_role" LOGIN`)
  })

  it('an unknown database is named, with how to create it', async () => {
    const url = new URL(TEST_DATABASE_URL)
    url.pathname = '/zat_no_such_database'
    await expect(openPostgresStore({ connectionString: url.href, keyRing })).rejects.toMatchObject({
      reason: 'no_database',
      message: `PostgreSQL at ${at} has no database "zat_no_such_database"`,
    })
  })
})

describe.skipIf(!postgres)('PostgresStore on PostgreSQL', () => {
  let schema: string
  let store: PostgresStore
  const others: PostgresStore[] = []

  beforeEach(async () => {
    schema = uniqueSchema('pg')
    store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, keyRing, schema })
  })

  afterEach(async () => {
    for (const other of others.splice(0)) await other.close()
    await store.close()
    await dropSchema(schema)
  })

  const another = async (ring: KeyRing = keyRing): Promise<PostgresStore> => {
    const handle = await openPostgresStore({
      connectionString: TEST_DATABASE_URL,
      keyRing: ring,
      schema,
    })
    others.push(handle)
    return handle
  }

  it('PostgresStore never stores a token or secret in plain text', async () => {
    const secrets = await writeEverySecret(store, T0)

    const raw = JSON.stringify([
      await rawQuery(`SELECT * FROM "${schema}".connections`),
      await rawQuery(`SELECT * FROM "${schema}".clients`),
    ])
    expect(raw).toContain('owner@example.com')
    expect(raw).toMatch(/"refresh_token_enc":"v1\.[0-9a-f]{8}\./)
    for (const secret of secrets) expect(raw).not.toContain(secret)
  })

  it('PostgresStore read of a row under a key that is not in the ring fails with ERR_ENCRYPTION_KEY', async () => {
    await store.create(newConnection('acme'), T0)
    // Mid-rotation: the new key wrote globex, then the old key was dropped before reencryptAll.
    const newKey = generateEncryptionKey()
    const rotating = await another(KeyRing.parse(`${newKey},${key}`))
    await rotating.create(newConnection('globex'), T0)
    const other = KeyRing.parse(newKey)
    const partial = await another(other)
    await expect(partial.get('acme')).rejects.toMatchObject({
      code: 'ERR_ENCRYPTION_KEY',
      reason: 'unknown_key_id',
      message: `The stored secrets of "acme" were encrypted with key id ${keyRing.primaryKeyId}, which is not in ZOHO_AUTH_ENCRYPTION_KEY (it has ${other.primaryKeyId})`,
    })
    expect((await partial.get('globex'))?.id).toBe('globex')
  })

  it('PostgresStore names a row with garbage JSON, and the psql command that removes it', async () => {
    await store.create(newConnection('acme'), T0)
    await rawQuery(`UPDATE "${schema}".connections SET scopes = '{oops' WHERE id = 'acme'`)
    const server = new URL(TEST_DATABASE_URL)
    const at = `${server.hostname}:${server.port || '5432'}`
    const database = server.pathname.slice(1)
    const error = await store.get('acme').catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'StoreError',
      reason: 'malformed_row',
      message: `Connection "acme" in PostgreSQL database "${database}" at ${at} (schema ${schema}) has a scopes column that is not a JSON list of scopes; zoho-auth never writes that, so the row was changed by something else`,
    })
    const command = `psql 'postgres://${server.username}@${at}/${database}' -c "DELETE FROM ${schema}.connections WHERE id = 'acme'"`
    expect((error as { remedy: string }).remedy).toBe(
      `Restore the row from a backup, or delete it (\`${command}\`) and grant access again (\`zoho-auth exchange --code CODE --connection acme\`).`,
    )
    // The command is real: psql runs it, and the row is gone.
    execSync(command.replace(/^psql/, 'psql -q'))
    expect(await store.listIds()).toEqual([])
  })

  it('PostgresStore.migrate records each migration once however often it runs', async () => {
    await store.migrate()
    await another()
    expect(
      await rawQuery(`SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`),
    ).toEqual([
      { version: 1, name: 'connections, clients, mints, change notifications' },
      { version: 2, name: 'deleted connection versions' },
      { version: 3, name: 'settings' },
      { version: 4, name: 'evicted flag' },
      { version: 5, name: 'single-use marks, api keys' },
    ])
  })

  it('PostgresStore.migrate upgrades a schema at migration 4: marks and API keys work, rows kept', async () => {
    const legacy = uniqueSchema('v4')
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await client.connect()
    const acme = newConnection('acme')
    try {
      await postgresAtMigration4(client, legacy, acme, keyRing, T0)
    } finally {
      await client.end()
    }
    const upgraded = await openPostgresStore({
      connectionString: TEST_DATABASE_URL,
      keyRing,
      schema: legacy,
    })
    try {
      expect(await upgraded.get('acme')).toMatchObject({
        refreshToken: acme.refreshToken,
        accessToken: acme.accessToken,
        version: 1,
      })
      expect(await upgraded.consumeOnce('state', T0 + 60_000, T0)).toBe(true)
      expect(await upgraded.consumeOnce('state', T0 + 60_000, T0)).toBe(false)
      const record = newApiKey('k1', T0)
      await upgraded.createApiKey(record)
      expect(await upgraded.findApiKeyByHash(record.hash)).toEqual(record)
      const [row] = await rawQuery<{ v: number }>(
        `SELECT max(version) AS v FROM "${legacy}".schema_migrations`,
      )
      expect(row?.v).toBe(5)
    } finally {
      await upgraded.close()
      await dropSchema(legacy)
    }
  })

  it('PostgresStore.rowsUnderOtherKeys lists the rows with a secret not under the primary key, without decrypting', async () => {
    await store.create(newConnection('acme'), T0)
    await store.saveClient({ clientId: 'c1', clientSecret: 's', dcSecrets: {} }, T0)
    const newKey = KeyRing.parse(`${generateEncryptionKey()},${key}`)
    const rotating = await another(newKey)
    await rotating.create(newConnection('globex'), T0)
    const old = keyRing.primaryKeyId
    expect(await rotating.rowsUnderOtherKeys()).toEqual([
      { kind: 'client', id: 'c1', keyId: old },
      { kind: 'connection', id: 'acme', keyId: old },
    ])
    await rotating.reencryptAll()
    expect(await rotating.rowsUnderOtherKeys()).toEqual([])
  })

  it('PostgresStore.migrate refuses a database from a newer zoho-auth', async () => {
    await rawQuery(`INSERT INTO "${schema}".schema_migrations VALUES (99, 'future', 0)`)
    await expect(store.migrate()).rejects.toMatchObject({
      code: 'ERR_STORE',
      message: `The database schema is at version 99, newer than this zoho-auth knows (${POSTGRES_MIGRATIONS.length})`,
    })
  })

  it('PostgresStore.waitForChange hears a write made through another pool (NOTIFY)', async () => {
    const writer = await another()
    const created = await store.create(newConnection('acme'), T0)
    // Let the listener settle first so this measures the notification, not the first-wait check.
    await store.waitForChange('acme', 50)
    const started = Date.now()
    const waiting = store.waitForChange('acme', 5_000)
    // Kept and awaited: the NOTIFY can wake us before update returns, and a pool closed by
    // afterEach under it failed as an unhandled rejection under load.
    let write: Promise<unknown> = Promise.resolve()
    setTimeout(() => {
      write = writer.update('acme', { lastError: 'x' }, created.version, T0 + 1)
    }, 150)
    await waiting
    const took = Date.now() - started
    await write
    expect(took).toBeGreaterThanOrEqual(140)
    expect(took).toBeLessThan(1_500)
  })

  it('PostgresStore.waitForChange is not woken by a lease being taken or renewed', async () => {
    await store.create(newConnection('acme'), T0)
    await store.waitForChange('acme', 50)
    const started = Date.now()
    const waiting = store.waitForChange('acme', 500)
    setTimeout(() => void store.acquireLease('acme', 'A', 60_000, Date.now()), 50)
    setTimeout(() => void store.acquireLease('acme', 'A', 60_000, Date.now()), 150)
    await waiting
    expect(Date.now() - started).toBeGreaterThanOrEqual(490)
  })

  it('PostgresStore stores in its own schema: another schema sees none of its rows', async () => {
    await store.create(newConnection('acme'), T0)
    const elsewhere = uniqueSchema('pg')
    const isolated = await openPostgresStore({
      connectionString: TEST_DATABASE_URL,
      keyRing,
      schema: elsewhere,
    })
    try {
      expect(await isolated.list()).toEqual([])
    } finally {
      await isolated.close()
      await dropSchema(elsewhere)
    }
  })
})

if (postgres) {
  describeCrossProcess('PostgresStore', async () => {
    const schema = uniqueSchema('race')
    return {
      task: { kind: 'postgres', url: TEST_DATABASE_URL, schema },
      key,
      open: (ring = keyRing) =>
        openPostgresStore({ connectionString: TEST_DATABASE_URL, keyRing: ring, schema }),
      appliedMigrations: async () => {
        const rows = await rawQuery<{ n: string }>(
          `SELECT count(*) AS n FROM "${schema}".schema_migrations`,
        )
        return Number(rows[0]?.n)
      },
      migrationCount: POSTGRES_MIGRATIONS.length,
      cleanup: () => dropSchema(schema),
    }
  })
}
