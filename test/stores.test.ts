import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe } from 'vitest'
import { MemoryStore } from '../src/stores/memory.js'
import { openPostgresStore } from '../src/stores/postgres.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import {
  TEST_DATABASE_URL,
  dropSchema,
  rawQuery,
  requirePostgres,
  uniqueSchema,
} from './fixtures/postgres.js'
import { describeStoreContract } from './store-contract.js'

describeStoreContract('MemoryStore', async () => ({ store: new MemoryStore() }))

describeStoreContract('SqliteStore', async (keyRing) => {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-contract-'))
  const path = join(dir, 'zoho-auth.db')
  return {
    store: await openSqliteStore({ path, keyRing }),
    reopen: (ring) => openSqliteStore({ path, keyRing: ring }),
    countMarks: async () => {
      const db = new Database(path, { readonly: true })
      try {
        return (db.prepare('SELECT count(*) AS n FROM used_once').get() as { n: number }).n
      } finally {
        db.close()
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})

const postgres = await requirePostgres('PostgresStore contract')
describe.skipIf(!postgres)('PostgreSQL', () => {
  describeStoreContract('PostgresStore', async (keyRing) => {
    const schema = uniqueSchema('contract')
    const options = { connectionString: TEST_DATABASE_URL, schema }
    return {
      store: await openPostgresStore({ ...options, keyRing }),
      reopen: (ring) => openPostgresStore({ ...options, keyRing: ring }),
      countMarks: async () => {
        const [row] = await rawQuery<{ n: string }>(
          `SELECT count(*) AS n FROM "${schema}".used_once`,
        )
        return Number(row?.n)
      },
      cleanup: () => dropSchema(schema),
    }
  })
})
