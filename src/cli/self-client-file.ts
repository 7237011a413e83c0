/**
 * The `self_client.json` Zoho's API console downloads with a Self Client code (Self Client →
 * Generate Code → Download): `client_id`, `client_secret`, `code`, `grant_type`, `scope` (an
 * array, or a comma string) and `expiry_time` (epoch ms). The file holds the client secret, so
 * nothing read from it is ever echoed: not the JSON parser's message (it quotes the text), not a
 * value.
 */
import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError } from '../config.js'
import { checkClientId, checkClientSecret, checkGrantCode } from '../protocol/credentials.js'
import { CredentialFormatError } from '../protocol/errors.js'

export interface SelfClientFile {
  path: string
  clientId: string
  clientSecret: string
  code: string
  scopes: string[]
  /** When the code stops working, if the file says (epoch ms). */
  expiresAt: number | undefined
}

// A self_client.json is a few hundred bytes; anything far larger is another file.
const MAX_BYTES = 64 * 1024
// Our clock and Zoho's may differ a little; refuse only a code that is clearly dead.
const CLOCK_SLACK_MS = 60_000

const DOWNLOAD_AGAIN =
  'In the Zoho API console (api-console.zoho.com → Self Client → Generate Code), generate a code, download self_client.json, and run `zoho-auth exchange --file self_client.json` within its lifetime.'

function fail(path: string, what: string, remedy = DOWNLOAD_AGAIN): never {
  throw new ConfigError(`${path} ${what}`, remedy)
}

function readText(path: string): string {
  try {
    if (statSync(path).size > MAX_BYTES) fail(path, 'is too large to be a self_client.json')
    return readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof ConfigError) throw error
    const code = (error as NodeJS.ErrnoException).code
    fail(
      path,
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`,
      code === 'ENOENT'
        ? 'Check the path; the console saves the file as self_client.json in your downloads folder.'
        : DOWNLOAD_AGAIN,
    )
  }
}

/** A field through the credential check, its message prefixed with where it came from. */
function checked(
  path: string,
  field: string,
  check: (v: string) => string,
  value: unknown,
): string {
  if (typeof value !== 'string') fail(path, `has no "${field}"`)
  try {
    return check(value)
  } catch (error) {
    if (!(error instanceof CredentialFormatError)) throw error
    throw new CredentialFormatError({
      field: error.field,
      message: `${path}, "${field}": ${error.message}`,
      remedy: error.remedy,
    })
  }
}

function scopesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\s]+/) : []
  return list
    .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
    .map((s) => s.trim())
}

function expiryOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined
}

export function readSelfClientFile(file: string, cwd: string, now = Date.now()): SelfClientFile {
  const path = resolve(cwd, file)
  let body: unknown
  try {
    body = JSON.parse(readText(path))
  } catch (error) {
    if (error instanceof ConfigError) throw error
    fail(path, 'is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail(
      path,
      'is not a self_client.json (expected a JSON object with client_id, client_secret and code)',
    )
  }
  const fields = body as Record<string, unknown>
  if ('grant_type' in fields && fields.grant_type !== 'authorization_code') {
    fail(path, 'is not for a code exchange (its grant_type is not "authorization_code")')
  }
  const parsed: SelfClientFile = {
    path,
    clientId: checked(path, 'client_id', checkClientId, fields.client_id),
    clientSecret: checked(path, 'client_secret', checkClientSecret, fields.client_secret),
    code: checked(path, 'code', checkGrantCode, fields.code),
    scopes: scopesOf(fields.scope),
    expiresAt: expiryOf(fields.expiry_time),
  }
  if (parsed.expiresAt !== undefined && now > parsed.expiresAt + CLOCK_SLACK_MS) {
    fail(
      path,
      `holds a code that expired at ${new Date(parsed.expiresAt).toISOString()} (Self Client codes live 3–10 minutes); nothing was sent to Zoho`,
    )
  }
  return parsed
}
