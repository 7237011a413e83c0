/**
 * What the CLI says when the store cannot be used as it is: the wrong encryption key, a damaged
 * or unwritable file, a garbled row. In-process against the emulator and a real SQLite file.
 */
import { execSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { KeyRing } from '../src/stores/crypto.js'
import { loadOrCreateKeyFile } from '../src/stores/key-file.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import { newConnection } from './store-contract.js'
import { spawnBin, type BinRun } from './support/bin.js'
import { runCommand, withoutEmulatorNotice } from './support/cli.js'
import { SELF_CLIENT_USER, useSelfClientCli } from './support/self-client-cli.js'
import { within } from './support/within.js'

const KEY = Buffer.alloc(32, 7).toString('base64')
const OTHER_KEY = Buffer.alloc(32, 8).toString('base64')
const KEY_ID = KeyRing.parse(KEY).primaryKeyId
const OTHER_KEY_ID = KeyRing.parse(OTHER_KEY).primaryKeyId
const fixture = useSelfClientCli('cli-stores')

function environment(): Record<string, string> & { ZOHO_AUTH_DB: string; HOME: string } {
  const env = fixture.environment(KEY)
  return { ...env, ZOHO_AUTH_DB: env.ZOHO_AUTH_DB ?? '', HOME: env.HOME ?? '' }
}

const code = (): Promise<string> =>
  fixture.zoho.selfClientCode({
    client_id: fixture.client.client_id,
    scope: 'ZohoCRM.users.READ',
    email: SELF_CLIENT_USER,
  })

/** The key ids of every ciphertext in the file, read behind the store's back. */
function keyIdsInFile(path: string): string[] {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db
      .prepare('SELECT refresh_token_enc AS r, access_token_enc AS a FROM connections')
      .all() as Array<{ r: string; a: string | null }>
    return [
      ...new Set(rows.flatMap((row) => [row.r, row.a ?? row.r]).map((c) => c.split('.')[1] ?? '')),
    ]
  } finally {
    db.close()
  }
}

describe('zoho-auth with the wrong encryption key', () => {
  it('exchange with another key is refused before it writes, naming the key ids; the right key still serves', async () => {
    const env = environment()
    expect((await runCommand(['exchange', '--code', await code()], env)).code).toBe(0)

    const wrong = { ...env, ZOHO_AUTH_ENCRYPTION_KEY: OTHER_KEY }
    const refused = await runCommand(
      ['exchange', '--code', await code(), '--connection', 'b'],
      wrong,
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(withoutEmulatorNotice(refused.stderr)).toBe(
      `zoho-auth: ZOHO_AUTH_ENCRYPTION_KEY is not the key this database is encrypted with: its data is under key id ${KEY_ID}, the key ring has ${OTHER_KEY_ID}\n` +
        `  → Set ZOHO_AUTH_ENCRYPTION_KEY to the key with id ${KEY_ID} (nothing was written with this one). To move to a new key, list it first and the old one after it (NEW,OLD), then drop the old one once everything is re-encrypted.\n`,
    )
    expect(keyIdsInFile(env.ZOHO_AUTH_DB)).toEqual([KEY_ID])

    const token = await runCommand(['token'], env)
    expect({ ...token, stderr: withoutEmulatorNotice(token.stderr) }).toMatchObject({
      code: 0,
      stderr: '',
    })
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
  })

  it('token finds the default connection without decrypting the others', async () => {
    const env = environment()
    expect((await runCommand(['exchange', '--code', await code()], env)).code).toBe(0)
    // A row under a key this ring lacks (left by a rotation that lost its old key).
    const store = await openSqliteStore({
      path: env.ZOHO_AUTH_DB,
      keyRing: KeyRing.parse(`${OTHER_KEY},${KEY}`),
    })
    await store.create(newConnection('zz-other'), Date.now())
    await store.close()

    const token = await runCommand(['token'], env)
    expect({ ...token, stderr: withoutEmulatorNotice(token.stderr) }).toMatchObject({
      code: 0,
      stderr: '',
    })
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
  })
})

/** Exchanges a code into a fresh environment and returns it. */
async function withConnection(): Promise<ReturnType<typeof environment>> {
  const env = environment()
  expect((await runCommand(['exchange', '--code', await code()], env)).code).toBe(0)
  return env
}

function sql(path: string, statement: string): void {
  const db = new Database(path)
  try {
    db.exec(statement)
  } finally {
    db.close()
  }
}

describe('zoho-auth with a damaged or unusable SQLite file', () => {
  it('a file that is not a database is named, with how to start over', async () => {
    const env = environment()
    writeFileSync(
      env.ZOHO_AUTH_DB,
      'these are not the bytes of a database, but quite a few of them',
    )
    const result = await runCommand(['token'], env)
    expect(result.code).toBe(1)
    expect(withoutEmulatorNotice(result.stderr)).toBe(
      `zoho-auth: ${env.ZOHO_AUTH_DB} is not a SQLite database (it is damaged, truncated, or another kind of file)\n` +
        `  → Restore it from a backup, or move it aside (mv '${env.ZOHO_AUTH_DB}' '${env.ZOHO_AUTH_DB}.broken') and run the command again to start an empty one; its connections are then granted again with \`zoho-auth exchange --code CODE\`.\n`,
    )
  })

  it('a truncated database is named as damaged, with how to start over', async () => {
    const env = await withConnection()
    const size = statSync(env.ZOHO_AUTH_DB).size
    expect(size).toBeGreaterThan(8192)
    truncateSync(env.ZOHO_AUTH_DB, 4096 + 100)
    const result = await runCommand(['token'], env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`zoho-auth: The SQLite database ${env.ZOHO_AUTH_DB} is damaged`)
    expect(result.stderr).toContain(
      `→ Restore it from a backup, or move it aside (mv '${env.ZOHO_AUTH_DB}'`,
    )
  })

  it('a directory where the database file should be is named as such', async () => {
    const env = environment()
    mkdirSync(env.ZOHO_AUTH_DB)
    const result = await runCommand(['token'], env)
    expect(result.code).toBe(1)
    expect(withoutEmulatorNotice(result.stderr)).toBe(
      `zoho-auth: The database path ${env.ZOHO_AUTH_DB} is a directory, not a SQLite file\n` +
        `  → Set ZOHO_AUTH_DB to a file path (it is created if missing), or move the directory away.\n`,
    )
  })

  it('a directory where the key file should be is named as the key file', async () => {
    const env = { ...environment(), ZOHO_AUTH_ENCRYPTION_KEY: '' }
    const keyFile = join(env.HOME, '.config', 'zoho-auth', 'encryption.key')
    mkdirSync(keyFile, { recursive: true })
    const result = await runCommand(['token'], env)
    expect(result.code).toBe(1)
    expect(withoutEmulatorNotice(result.stderr)).toBe(
      `zoho-auth: The key file ${keyFile} is a directory, not a key\n` +
        `  → Move the directory away (a new key is then generated, which cannot read tokens stored with an old one), or set ZOHO_AUTH_ENCRYPTION_KEY.\n`,
    )
  })
})

describe('zoho-auth with a stored row it did not write', () => {
  it('garbage JSON in a row names the row and column, and a real way out', async () => {
    const env = await withConnection()
    sql(
      env.ZOHO_AUTH_DB,
      `UPDATE connections SET scopes = 'ZohoCRM.users.READ' WHERE id = 'default'`,
    )
    const result = await runCommand(['token'], env)
    expect(result.code).toBe(1)
    expect(withoutEmulatorNotice(result.stderr)).toBe(
      `zoho-auth: Connection "default" in ${env.ZOHO_AUTH_DB} has a scopes column that is not a JSON list of scopes; zoho-auth never writes that, so the row was changed by something else\n` +
        `  → Restore the row from a backup, or delete it (\`sqlite3 '${env.ZOHO_AUTH_DB}' "DELETE FROM connections WHERE id = 'default'"\`) and grant access again (\`zoho-auth exchange --code CODE --connection default\`).\n`,
    )
  })

  it('an altered ciphertext is refused with a command that exists, and that command works', async () => {
    const env = await withConnection()
    sql(
      env.ZOHO_AUTH_DB,
      `UPDATE connections SET refresh_token_enc = substr(refresh_token_enc, 1, length(refresh_token_enc) - 4) || 'AAAA' WHERE id = 'default'`,
    )
    const result = await runCommand(['token'], env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('failed authentication')
    const deleteRow = `sqlite3 '${env.ZOHO_AUTH_DB}' "DELETE FROM connections WHERE id = 'default'"`
    expect(result.stderr).toContain(
      `  → Restore the row from a backup, or delete it (\`${deleteRow}\`) and grant access again (\`zoho-auth exchange --code CODE --connection default\`).\n`,
    )
    // The remedy is real: run it (its SQL through the driver where the sqlite3 shell is not
    // installed), exchange again, and token serves.
    if (spawnSync('sqlite3', ['-version']).status === 0) execSync(deleteRow)
    else sql(env.ZOHO_AUTH_DB, /"(DELETE .*)"$/.exec(deleteRow)![1]!)
    expect((await runCommand(['exchange', '--code', await code()], env)).code).toBe(0)
    expect((await runCommand(['token'], env)).code).toBe(0)
  })
})

// Root reads and writes any file whatever its mode, and these tests run as root: so the binary
// runs as `nobody` against files root made, and meets a real EACCES / read-only database.
const asRoot = process.getuid?.() === 0
const NOBODY = { uid: 65534, gid: 65534 }

/**
 * Whether `nobody` can run this checkout at all: a clone inside a private directory (mode 0700,
 * as `mktemp -d` makes) is out of its reach, and then these tests cannot say anything.
 */
function nobodyCanRunTheBinary(): boolean {
  // Absolute paths: the binary is started by path, through every parent directory.
  const files = ['bin/zoho-auth.js', 'dist/cli/main.js', 'node_modules/better-sqlite3/package.json']
  const paths = files.map((file) => fileURLToPath(new URL(`../${file}`, import.meta.url)))
  const probe = `for (const f of ${JSON.stringify(paths)}) require('fs').accessSync(f, require('fs').constants.R_OK)`
  return spawnSync(process.execPath, ['-e', probe], { ...NOBODY, cwd: tmpdir() }).status === 0
}

/** A directory `nobody` can enter, holding whatever root puts there. */
function sharedDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-cli-perm-'))
  chmodSync(dir, 0o755)
  return dir
}

async function runAsNobody(args: string[], env: Record<string, string>): Promise<BinRun> {
  const run = spawnBin(args, { PATH: process.env.PATH ?? '', ...env }, { ...NOBODY, cwd: env.HOME })
  await within(30_000, run.exited)
  return run
}

describe.skipIf(!asRoot || !nobodyCanRunTheBinary())(
  'zoho-auth run by a user the files refuse (as nobody)',
  () => {
    it('a key file it may not read is named as the key file, with what to do', async () => {
      const home = sharedDir()
      const keyFile = join(home, '.config', 'zoho-auth', 'encryption.key')
      loadOrCreateKeyFile(keyFile)
      const run = await runAsNobody(['token'], {
        HOME: home,
        ZOHO_AUTH_DB: join(home, 'tokens.db'),
      })
      expect(await run.exited).toEqual({ code: 1, signal: null })
      expect(withoutEmulatorNotice(run.stderr)).toBe(
        `zoho-auth: Cannot read the key file ${keyFile}: permission denied\n` +
          `  → Run as the user that owns it (\`ls -l '${keyFile}'\` shows who), or give that user alone access to it (chown, then chmod 600), or set ZOHO_AUTH_ENCRYPTION_KEY.\n`,
      )
    })

    it('a database it may not open is named as the database, with the path', async () => {
      const home = sharedDir()
      const env = {
        HOME: home,
        ZOHO_AUTH_ENCRYPTION_KEY: KEY,
        ZOHO_AUTH_DB: join(home, 'tokens.db'),
      }
      const store = await openSqliteStore({ path: env.ZOHO_AUTH_DB, keyRing: KeyRing.parse(KEY) })
      await store.close()
      const run = await runAsNobody(['token'], env)
      expect(await run.exited).toEqual({ code: 1, signal: null })
      expect(withoutEmulatorNotice(run.stderr)).toBe(
        `zoho-auth: Permission denied on the SQLite database ${env.ZOHO_AUTH_DB}\n` +
          `  → Run as the user that owns it (\`ls -ld '${env.ZOHO_AUTH_DB}'\` shows who), or give this user read and write access to the file and its directory, or set ZOHO_AUTH_DB to a path of its own.\n`,
      )
    })

    it('a database in a directory it may not enter names the directory', async () => {
      const home = sharedDir()
      const dir = join(home, 'private')
      const env = {
        HOME: home,
        ZOHO_AUTH_ENCRYPTION_KEY: KEY,
        ZOHO_AUTH_DB: join(dir, 'tokens.db'),
      }
      const store = await openSqliteStore({ path: env.ZOHO_AUTH_DB, keyRing: KeyRing.parse(KEY) })
      await store.close()
      const run = await runAsNobody(['token'], env)
      expect(await run.exited).toEqual({ code: 1, signal: null })
      expect(run.stderr).toContain(
        `zoho-auth: Permission denied on the SQLite database ${env.ZOHO_AUTH_DB} (at ${dir})\n`,
      )
    })

    it('a database it may read but not write is named read-only, with what to do', async () => {
      const home = sharedDir()
      const env = {
        HOME: home,
        ZOHO_AUTH_ENCRYPTION_KEY: KEY,
        ZOHO_AUTH_DB: join(home, 'tokens.db'),
      }
      const store = await openSqliteStore({ path: env.ZOHO_AUTH_DB, keyRing: KeyRing.parse(KEY) })
      await store.close()
      chmodSync(env.ZOHO_AUTH_DB, 0o644)
      const run = await runAsNobody(['token'], env)
      expect(await run.exited).toEqual({ code: 1, signal: null })
      expect(run.stderr).toContain(
        `zoho-auth: The SQLite database ${env.ZOHO_AUTH_DB} is read-only for this process`,
      )
      expect(run.stderr).toContain(
        `  → Let this user write the file and its directory (SQLite keeps ${env.ZOHO_AUTH_DB}-wal and -shm beside it), e.g. \`chown -R "$(id -un)" '${home}'\`, or set ZOHO_AUTH_DB to a path it can write.\n`,
      )
    })
  },
)
