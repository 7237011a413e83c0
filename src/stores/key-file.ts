/**
 * The zero-configuration key: when `ZOHO_AUTH_ENCRYPTION_KEY` is not set, a key is generated once
 * into a 0600 file (directory 0700) and reused after, with a warning, because a key on the same
 * disk protects against a leaked database copy but not against someone who can read the disk.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { KeyRing, generateEncryptionKey } from './crypto.js'
import { EncryptionKeyError } from './errors.js'
import { defaultKeyFilePath } from './paths.js'
import { createSecretFileOnce } from './secret-file.js'
import type { Env } from './paths.js'

export interface LoadedKey {
  /** The base64 key; treat it as a secret. */
  key: string
  keyRing: KeyRing
  path: string
  /** True when this call created the file. */
  generated: boolean
  /** Something to tell the user (a key was generated, or the file is too open), or null. */
  warning: string | null
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT'
}

/** A key file the operating system refuses (or that is not a file) as an EncryptionKeyError. */
function unusableKeyFile(error: unknown, path: string, creating: boolean): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code
  const fail = (message: string, remedy: string): EncryptionKeyError =>
    new EncryptionKeyError({ reason: 'key_file_unusable', message, remedy, cause: error })
  if (code === 'EISDIR') {
    return fail(
      `The key file ${path} is a directory, not a key`,
      'Move the directory away (a new key is then generated, which cannot read tokens stored with an old one), or set ZOHO_AUTH_ENCRYPTION_KEY.',
    )
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const at = (error as NodeJS.ErrnoException).path ?? path
    return creating
      ? fail(
          `Cannot create the key file ${path}: permission denied on ${at}`,
          `Let this user create ${dirname(path)} (or run as the user that owns it), or set ZOHO_AUTH_ENCRYPTION_KEY to a key (\`openssl rand -base64 32\`).`,
        )
      : fail(
          `Cannot read the key file ${path}: permission denied`,
          `Run as the user that owns it (\`ls -l '${path}'\` shows who), or give that user alone access to it (chown, then chmod 600), or set ZOHO_AUTH_ENCRYPTION_KEY.`,
        )
  }
  if (code === 'ENOTDIR') {
    return fail(
      `Cannot use the key file ${path}: a part of its path is a file, not a directory`,
      'Move that file away, or set XDG_CONFIG_HOME or ZOHO_AUTH_ENCRYPTION_KEY.',
    )
  }
  return error
}

function readKey(path: string, generated: boolean, warning: string | null): LoadedKey {
  let key: string
  try {
    key = readFileSync(path, 'utf8').trim()
  } catch (error) {
    throw isMissing(error) ? error : unusableKeyFile(error, path, false)
  }
  if (key === '') {
    throw new EncryptionKeyError({
      reason: 'missing',
      message: `The key file ${path} is empty`,
      remedy: `A start was interrupted while writing it. Restore it from a backup; if nothing was ever stored with it, delete ${path} and a new key is generated.`,
    })
  }
  const keyRing = KeyRing.parse(key, { source: `key file ${path}` })
  let note = warning
  const mode = statSync(path).mode & 0o777
  if (!generated && (mode & 0o077) !== 0) {
    note = `The key file ${path} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`
  }
  return { key, keyRing, path, generated, warning: note }
}

/**
 * Returns the key stored at `path`, creating it (0600, directory 0700) the first time. Safe when
 * several processes start at once: the complete file is linked into place exclusively and the
 * loser reads the winner's key.
 */
export function loadOrCreateKeyFile(
  path: string,
  random: (size: number) => Buffer = randomBytes,
): LoadedKey {
  try {
    return readKey(path, false, null)
  } catch (error) {
    if (!isMissing(error)) throw error
  }
  const key = generateEncryptionKey(random)
  let outcome: 'created' | 'taken'
  try {
    outcome = createSecretFileOnce(path, `${key}\n`)
  } catch (error) {
    throw unusableKeyFile(error, path, true)
  }
  if (outcome === 'taken') return readKey(path, false, null)
  return readKey(
    path,
    true,
    `Generated an encryption key in ${path} because ZOHO_AUTH_ENCRYPTION_KEY is not set. Keep this file (without it the stored tokens cannot be read) and back it up apart from the database; for servers set ZOHO_AUTH_ENCRYPTION_KEY instead.`,
  )
}

/**
 * The key ring from `ZOHO_AUTH_ENCRYPTION_KEY`, or else from the generated key file
 * (`keyFilePath`, default `defaultKeyFilePath(env)`).
 */
export function resolveKeyRing(
  env: Env = process.env,
  keyFilePath: string = defaultKeyFilePath(env),
): { keyRing: KeyRing; warning: string | null; keyFile: string | null } {
  const configured = env.ZOHO_AUTH_ENCRYPTION_KEY
  if (configured !== undefined && configured.trim() !== '') {
    return { keyRing: KeyRing.parse(configured), warning: null, keyFile: null }
  }
  const loaded = loadOrCreateKeyFile(keyFilePath)
  return { keyRing: loaded.keyRing, warning: loaded.warning, keyFile: loaded.path }
}
