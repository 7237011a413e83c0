import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { ConfigError } from '../../config-error.js'
import { loadConfig, type Config } from '../../config.js'
import { KeyRing, generateEncryptionKey } from '../../stores/crypto.js'
import { UsageError, type Command, type CommandContext } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { openStoreWithKeyRing } from '../runtime.js'

const USAGE = `Usage: zoho-auth keys rotate

Re-encrypts every stored secret under a new key. No key is ever printed.

With the generated key file (ZOHO_AUTH_ENCRYPTION_KEY not set), zoho-auth makes the new key
itself: it writes NEW,OLD into the key file (0600, replaced atomically), re-encrypts every row,
then leaves only NEW in the file. Interrupted at any point, the file reads every row; run
\`zoho-auth keys rotate\` again and it finishes the same rotation.

With ZOHO_AUTH_ENCRYPTION_KEY, only you can store the key, so you make it and pass both:
  NEW=$(openssl rand -base64 32)
  ZOHO_AUTH_ENCRYPTION_KEY="$NEW,$OLD" zoho-auth keys rotate
then set ZOHO_AUTH_ENCRYPTION_KEY to NEW alone wherever zoho-auth runs. Until every process
has it, keep NEW,OLD: that ring reads rows under either key.

${CONFIG_USAGE}`

/** `keys rotate`: every row under a new primary key, without a moment that loses a row. */
export const keysCommand: Command = {
  name: 'keys',
  subcommands: { rotate: CONFIG_OPTIONS },
  usage: USAGE,
  async run(ctx) {
    const [sub, ...rest] = ctx.argv
    if (sub !== 'rotate') {
      throw new UsageError(sub ? `unknown sub-command "keys ${sub}"` : 'missing sub-command')
    }
    const { values } = parseFlags(rest, CONFIG_OPTIONS)
    const config = loadConfig({ env: ctx.env, cwd: ctx.cwd, flags: configFlags(values) })
    for (const warning of config.warnings) ctx.stderr.write(`zoho-auth: warning: ${warning}\n`)
    return config.encryptionKey === undefined
      ? rotateKeyFile(config, ctx)
      : rotateFromEnvironment(config, config.encryptionKey, ctx)
  },
}

async function reencrypt(config: Config, ring: KeyRing): Promise<number> {
  const store = await openStoreWithKeyRing(config, ring)
  try {
    return await store.reencryptAll()
  } finally {
    await store.close()
  }
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
  const changed = await reencrypt(config, ring)
  ctx.stdout.write(
    `Re-encrypted ${changed} row(s) under key ${ring.primaryKeyId}.\nNow set ZOHO_AUTH_ENCRYPTION_KEY to the first key alone (id ${ring.primaryKeyId}) wherever zoho-auth runs; the old key (id ${ring.keyIds.slice(1).join(', ')}) is no longer needed.\n`,
  )
  return 0
}

async function rotateKeyFile(config: Config, ctx: CommandContext): Promise<number> {
  const path = config.keyFilePath
  let text: string
  try {
    text = readFileSync(path, 'utf8').trim()
  } catch {
    throw new ConfigError(
      `No key file at ${path} and ZOHO_AUTH_ENCRYPTION_KEY is not set: nothing to rotate`,
      'Nothing is stored yet; run `zoho-auth exchange --code CODE` and a key is made for it.',
    )
  }
  let ringText = text
  // A ring of several keys is a rotation interrupted after its first step: finish that one.
  if (KeyRing.parse(text, { source: `key file ${path}` }).keyIds.length === 1) {
    ringText = `${generateEncryptionKey()},${text}`
    writeKeyFileAtomically(path, ringText)
  }
  const ring = KeyRing.parse(ringText, { source: `key file ${path}` })
  const changed = await reencrypt(config, ring)
  // Only now, with every row under the new key, may the old one go.
  writeKeyFileAtomically(path, (ringText.split(',')[0] ?? '').trim())
  ctx.stdout.write(
    `Re-encrypted ${changed} row(s) under a new key (id ${ring.primaryKeyId}); ${path} now holds only that key. Back it up in place of the old one.\n`,
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
