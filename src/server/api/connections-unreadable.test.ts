import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from '../../stores/crypto.js'
import { openSqliteStore } from '../../stores/sqlite.js'
import { brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, send } from './test-kit.js'

let harness: BrokerHarness
let dir: string
afterEach(async () => {
  await harness?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A real SQLite store holding "acme" and "globex", whose secrets were copied from "acme". */
async function harnessWithAlteredRow(): Promise<BrokerHarness> {
  dir = mkdtempSync(join(tmpdir(), 'zoho-auth-api-'))
  const path = join(dir, 'broker.db')
  const store = await openSqliteStore({ path, keyRing: KeyRing.parse(generateEncryptionKey()) })
  const made = await brokerHarness({ store })
  await made.connect('acme')
  await made.connect('globex')
  const db = new Database(path)
  db.prepare(
    `UPDATE connections SET refresh_token_enc =
       (SELECT refresh_token_enc FROM connections WHERE id = 'acme') WHERE id = 'globex'`,
  ).run()
  db.close()
  return made
}

describe('GET /api/v1/connections with a row that cannot be decrypted', () => {
  it('lists the readable ones and the other by id as unreadable, with the remedy', async () => {
    harness = await harnessWithAlteredRow()
    const response = await harness.request('/api/v1/connections')
    expect(response.status).toBe(200)
    const { connections } = (await response.json()) as { connections: Json[] }
    expect(connections.map((c) => [c.id, c.status])).toEqual([
      ['acme', 'active'],
      ['globex', 'unreadable'],
    ])
    expect(connections[1]).toEqual({
      id: 'globex',
      status: 'unreadable',
      last_error: expect.stringContaining('The stored secrets of "globex" failed authentication'),
      remedy: expect.any(String),
    })
  })

  it('GET of that row answers 503 ERR_ENCRYPTION_KEY; DELETE ?force=true still removes it', async () => {
    harness = await harnessWithAlteredRow()
    await expectError(
      await harness.request('/api/v1/connections/globex'),
      503,
      'ERR_ENCRYPTION_KEY',
    )
    const deleted = await send(harness, 'DELETE', '/api/v1/connections/globex?force=true')
    expect(deleted.status).toBe(200)
    expect(await harness.deps.store.listIds()).toEqual(['acme'])
  })
})
