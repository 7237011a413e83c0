/**
 * takeRotationLock, the lock `keys rotate` holds: a second taker waits for the first, a bounded
 * wait ends in an error that says what to do, and letting go (or the holder's death) frees it.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { takeRotationLock } from '../src/stores/rotation-lock.js'
import { TEST_DATABASE_URL, requirePostgres, uniqueSchema } from './fixtures/postgres.js'
import { within } from './support/within.js'

const BUSY = {
  code: 'ERR_STORE',
  reason: 'timeout',
  remedy: 'Let it finish, then run `zoho-auth keys rotate --check` to see where it got to.',
}

describe('takeRotationLock on SQLite', () => {
  let dir: string
  let path: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoho-auth-rotation-'))
    path = join(dir, 'zoho-auth.db')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('takeRotationLock: a second taker gives up after its wait, naming the database; after release it gets the lock', async () => {
    const release = await takeRotationLock({ kind: 'sqlite', path })
    expect(statSync(`${path}.keys-lock`).mode & 0o777).toBe(0o600)
    await expect(takeRotationLock({ kind: 'sqlite', path }, 100)).rejects.toMatchObject({
      ...BUSY,
      message: `Another \`zoho-auth keys rotate\` is still running on ${path} (waited 0.1 s)`,
    })
    await release()
    const again = await takeRotationLock({ kind: 'sqlite', path }, 100)
    await again()
  })

  it('takeRotationLock: a holder that dies frees the lock (no stale lock file)', async () => {
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN EXCLUSIVE');
         process.stdout.write('locked\\n'); setInterval(() => {}, 1000)`,
        `${path}.keys-lock`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await within(10_000, new Promise((resolve) => holder.stdout.once('data', resolve)))
    await expect(takeRotationLock({ kind: 'sqlite', path }, 50)).rejects.toMatchObject(BUSY)
    const gone = new Promise((resolve) => holder.once('exit', resolve))
    holder.kill('SIGKILL')
    await within(10_000, gone)
    const release = await takeRotationLock({ kind: 'sqlite', path }, 5_000)
    await release()
  })
})

const postgres = await requirePostgres('takeRotationLock on PostgreSQL')
describe.skipIf(!postgres)('takeRotationLock on PostgreSQL', () => {
  it('takeRotationLock: a second taker on the same schema waits for the first, another schema does not', async () => {
    const schema = uniqueSchema('rotate')
    const target = { kind: 'postgres' as const, url: TEST_DATABASE_URL, schema }
    const release = await takeRotationLock(target)
    await expect(takeRotationLock(target, 100)).rejects.toMatchObject({
      ...BUSY,
      message: `Another \`zoho-auth keys rotate\` is still running on schema ${schema} (waited 0.1 s)`,
    })
    const elsewhere = await takeRotationLock({ ...target, schema: `${schema}_b` }, 100)
    await elsewhere()
    const waiting = takeRotationLock(target, 10_000)
    await release()
    const next = await within(10_000, waiting)
    await next()
  })
})
