import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { ConfigError } from '../../config-error.js'
import { loadConfig, type Config } from '../../config.js'
import { KeyRing, generateEncryptionKey } from '../../stores/crypto.js'
import { takeRotationLock } from '../../stores/rotation-lock.js'
import { UsageError, type Command, type CommandContext } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { describeRows, rowsUnderOtherKeys, withStore } from './keys-census.js'

const USAGE = `Usage: zoho-auth keys rotate [--check]

Re-encrypts every stored secret under a new key. No key is ever printed.

With the generated key file (ZOHO_AUTH_ENCRYPTION_KEY not set), zoho-auth makes the new key
itself: it writes NEW,OLD into the key file (0600, replaced atomically) and re-encrypts every
row. The old key stays in the file: a process started before the rotation still has only the
old key and writes rows under it. Once every process has restarted, run \`zoho-auth keys rotate\`
again: it re-encrypts what they wrote, says how many rows that was, and leaves only NEW in the
file. Interrupted at any point, the file reads every row, and the next run finishes.

With ZOHO_AUTH_ENCRYPTION_KEY, only you can store the key, so you make it and pass both:
  NEW=$(openssl rand -base64 32)
  ZOHO_AUTH_ENCRYPTION_KEY="$NEW,$OLD" zoho-auth keys rotate
Keep NEW,OLD wherever zoho-auth runs until every process has restarted with it, then check
(below); set NEW alone only when no row is left under OLD.

Two rotations of one database take turns (a lock in the database), never interleave.

Options:
  --check   re-encrypt nothing: list the rows still under a key other than the first one
            (exit 1 if there are any, 0 when the other keys can go)

${CONFIG_USAGE}`

const OPTIONS = { ...CONFIG_OPTIONS, check: { type: 'boolean' } } as const

/** `keys rotate`: every row under a new primary key, without a moment that loses a row. */
export const keysCommand: Command = {
  name: 'keys',
  subcommands: { rotate: OPTIONS },
  usage: USAGE,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv
    if (sub !== 'rotate') {
      throw new UsageError(sub ? `unknown sub-command "keys ${sub}"` : 'missing sub-command')
    }
    const { values } = parseFlags(rest, OPTIONS)
    const config = loadConfig({ env: ctx.env, cwd: ctx.cwd, flags: configFlags(values) })
    for (const warning of config.warnings) ctx.stderr.write(`zoho-auth: warning: ${warning}\n`)
    if (values.check) return check(config, ctx)
    // Held from reading the ring to the last write: a second rotation waits for this one.
    const release = await takeRotationLock(config.database)
    try {
      return config.encryptionKey === undefined
        ? await rotateKeyFile(config, ctx)
        : await rotateFromEnvironment(config, config.encryptionKey, ctx)
    } finally {
      await release()
    }
  },
}

/** The ring a command works with: ZOHO_AUTH_ENCRYPTION_KEY, or the key file's. */
function currentRing(config: Config): KeyRing {
  if (config.encryptionKey !== undefined) return KeyRing.parse(config.encryptionKey)
  return KeyRing.parse(readKeyFile(config.keyFilePath), {
    source: `key file ${config.keyFilePath}`,
  })
}

async function check(config: Config, ctx: CommandContext): Promise<number> {
  const ring = currentRing(config)
  const left = await withStore(config, ring, rowsUnderOtherKeys)
  const older = ring.keyIds.slice(1)
  if (left.length > 0) {
    throw new ConfigError(
      `${left.length} row(s) still have secrets under a key other than ${ring.primaryKeyId}: ${describeRows(left)}`,
      'Keep that key in the ring. Once every process has restarted with the new one, run `zoho-auth keys rotate` again to re-encrypt them.',
    )
  }
  const drop =
    older.length === 0
      ? 'there is no other key in the ring.'
      : config.encryptionKey === undefined
        ? `the old key (id ${older.join(', ')}) can go: run \`zoho-auth keys rotate\` to drop it.`
        : `the old key (id ${older.join(', ')}) can go: set ZOHO_AUTH_ENCRYPTION_KEY to the first key alone.`
  ctx.stdout.write(`Every stored secret is under key ${ring.primaryKeyId}; ${drop}\n`)
  return 0
}

async function rotateFromEnvironment(
  config: Config,
  value: string,
  ctx: CommandContext,
): Promise<number> {
  const ring = KeyRing.parse(value)
  if (ring.keyIds.length < 2) {
    throw new ConfigError(
      'ZOHO_AUTH_ENCRYPTION_KEY holds one key, so there is nothing to rotate to',
      'Make a new key and pass it first, the current one after: ZOHO_AUTH_ENCRYPTION_KEY="$(openssl rand -base64 32),$ZOHO_AUTH_ENCRYPTION_KEY" zoho-auth keys rotate',
    )
  }
  const { left, changed } = await withStore(config, ring, async (store) => ({
    left: await rowsUnderOtherKeys(store),
    changed: await store.reencryptAll(),
  }))
  const older = ring.keyIds.slice(1).join(', ')
  ctx.stdout.write(
    `Re-encrypted ${changed} row(s) under key ${ring.primaryKeyId}${left.length > 0 ? ` (${left.length} had secrets under an older key: ${describeRows(left)})` : ''}.\n` +
      `Keep ZOHO_AUTH_ENCRYPTION_KEY as NEW,OLD wherever zoho-auth runs until every process has restarted with it: a process still running with the old key (id ${older}) alone writes rows under it, and they would be lost with that key. Then run \`zoho-auth keys rotate --check\`; when it finds no row under the old key, set ZOHO_AUTH_ENCRYPTION_KEY to the first key alone (id ${ring.primaryKeyId}).\n`,
  )
  return 0
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    throw new ConfigError(
      `No key file at ${path} and ZOHO_AUTH_ENCRYPTION_KEY is not set: nothing to rotate`,
      'Nothing is stored yet; run `zoho-auth exchange --code CODE` and a key is made for it.',
    )
  }
}

async function rotateKeyFile(config: Config, ctx: CommandContext): Promise<number> {
  const path = config.keyFilePath
  const text = readKeyFile(path)
  const source = { source: `key file ${path}` }
  if (KeyRing.parse(text, source).keyIds.length === 1) {
    // Step one: NEW,OLD in the file, every row under NEW; OLD stays for processes not restarted.
    const ringText = `${generateEncryptionKey()},${text}`
    writeKeyFileAtomically(path, ringText)
    const ring = KeyRing.parse(ringText, source)
    const changed = await withStore(config, ring, (store) => store.reencryptAll())
    ctx.stdout.write(
      `Re-encrypted ${changed} row(s) under a new key (id ${ring.primaryKeyId}); ${path} holds it, and the old key (id ${ring.keyIds[1]}) after it.\n` +
        `The old key stays until every process using this database has restarted: one started before now has only the old key and writes rows under it. Once all have restarted, run \`zoho-auth keys rotate\` again: it re-encrypts what they wrote and drops the old key.\n`,
    )
    return 0
  }
  // Step two (or an interrupted step one): whatever is still under an old key goes under NEW,
  // and only then may the old key leave the file.
  const ring = KeyRing.parse(text, source)
  const left = await withStore(config, ring, async (store) => {
    const found = await rowsUnderOtherKeys(store)
    await store.reencryptAll()
    return found
  })
  writeKeyFileAtomically(path, (text.split(',')[0] ?? '').trim())
  ctx.stdout.write(
    `${left.length} row(s) were still under an old key${left.length > 0 ? ` (${describeRows(left)}), written by a process that had not restarted or left by an interrupted rotation; now re-encrypted` : ''}. ${path} now holds only the new key (id ${ring.primaryKeyId}). Back it up in place of the old one.\n`,
  )
  return 0
}

/** Written aside (0600) and renamed over: a reader finds the old ring or the new one, whole. */
function writeKeyFileAtomically(path: string, ring: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    writeFileSync(aside, `${ring}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(aside, 0o600)
    renameSync(aside, path)
  } finally {
    rmSync(aside, { force: true })
  }
}
