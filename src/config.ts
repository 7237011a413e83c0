/**
 * Environment, `.env` and flags → one validated Config. Flags override the environment, and the
 * environment overrides `.env` (a deployed process's real environment must win over a stray file).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import {
  DATA_CENTER_LOCATIONS,
  isDataCenterLocation,
  type DataCenterLocation,
} from './protocol/data-centers.js'
import { ZohoAuthError } from './protocol/errors.js'
import { defaultDatabasePath, defaultKeyFilePath } from './stores/paths.js'

export const ERR_CONFIG = 'ERR_CONFIG'

export const DEFAULT_REDIRECT_URI = 'http://localhost:3001/oauth/callback'
export const DEFAULT_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.settings.ALL',
  'ZohoCRM.users.READ',
  'ZohoCRM.org.READ',
]

/** A setting is missing or malformed. */
export class ConfigError extends ZohoAuthError {
  override name = 'ConfigError'
  constructor(message: string, remedy: string) {
    super(ERR_CONFIG, message, { remedy })
  }
}

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }

export interface Config {
  clientId: string | undefined
  clientSecret: string | undefined
  /** `ZOHO_CLIENT_SECRET_<DC>`: multi-DC clients may have a secret per DC. */
  dcSecrets: Partial<Record<DataCenterLocation, string>>
  refreshToken: string | undefined
  dc: DataCenterLocation
  redirectURI: string
  scopes: string[]
  database: DatabaseConfig
  /** Raw `ZOHO_AUTH_ENCRYPTION_KEY` (comma list = key ring), or undefined → key file. */
  encryptionKey: string | undefined
  /** Where the generated key lives when `ZOHO_AUTH_ENCRYPTION_KEY` is not set. */
  keyFilePath: string
  adminToken: string | undefined
  emulatorURL: string | undefined
}

/** Values given as command-line flags; each wins over its environment variable. */
export interface ConfigFlags {
  clientId?: string | undefined
  clientSecret?: string | undefined
  dc?: string | undefined
  db?: string | undefined
  redirectURI?: string | undefined
  scopes?: string | undefined
  emulatorURL?: string | undefined
}

export interface LoadConfigOptions {
  env: Record<string, string | undefined>
  cwd: string
  flags?: ConfigFlags
}

/** Reads `.env` in `cwd` (if any) beneath the real environment. */
export function readEnvironment(
  env: Record<string, string | undefined>,
  cwd: string,
): Record<string, string | undefined> {
  const file = join(cwd, '.env')
  if (!existsSync(file)) return env
  let fromFile: Record<string, string>
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>
  } catch (error) {
    throw new ConfigError(
      `Could not read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      'Fix or remove the .env file (lines of NAME=value).',
    )
  }
  return { ...fromFile, ...definedOnly(env) }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value
  return out
}

export function loadConfig(options: LoadConfigOptions): Config {
  const env = readEnvironment(options.env, options.cwd)
  const flags = options.flags ?? {}
  const pick = (flag: string | undefined, name: string): string | undefined =>
    nonEmpty(flag) ?? nonEmpty(env[name])

  const dc = parseDataCenter(pick(flags.dc, 'ZOHO_DC') ?? 'us')
  return {
    clientId: pick(flags.clientId, 'ZOHO_CLIENT_ID'),
    clientSecret: pick(flags.clientSecret, 'ZOHO_CLIENT_SECRET'),
    dcSecrets: perDataCenterSecrets(env),
    refreshToken: nonEmpty(env.ZOHO_REFRESH_TOKEN),
    dc,
    redirectURI: pick(flags.redirectURI, 'ZOHO_REDIRECT_URI') ?? DEFAULT_REDIRECT_URI,
    scopes: parseScopes(pick(flags.scopes, 'ZOHO_SCOPES')) ?? DEFAULT_SCOPES,
    database: parseDatabase(pick(flags.db, 'ZOHO_AUTH_DB'), defaultDatabasePath(env)),
    encryptionKey: nonEmpty(env.ZOHO_AUTH_ENCRYPTION_KEY),
    keyFilePath: defaultKeyFilePath(env),
    adminToken: nonEmpty(env.ZOHO_AUTH_ADMIN_TOKEN),
    emulatorURL: parseEmulatorURL(pick(flags.emulatorURL, 'ZOHO_EMULATOR_URL')),
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

function parseDataCenter(value: string): DataCenterLocation {
  const location = value.toLowerCase()
  if (isDataCenterLocation(location)) return location
  throw new ConfigError(
    `Unknown Zoho data centre "${value}"`,
    `Set ZOHO_DC (or --dc) to one of: ${DATA_CENTER_LOCATIONS.join(', ')}.`,
  )
}

function perDataCenterSecrets(
  env: Record<string, string | undefined>,
): Partial<Record<DataCenterLocation, string>> {
  const secrets: Partial<Record<DataCenterLocation, string>> = {}
  for (const location of DATA_CENTER_LOCATIONS) {
    const secret = nonEmpty(env[`ZOHO_CLIENT_SECRET_${location.toUpperCase()}`])
    if (secret) secrets[location] = secret
  }
  return secrets
}

function parseScopes(value: string | undefined): string[] | undefined {
  if (!value) return undefined
  const scopes = value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  return scopes.length > 0 ? scopes : undefined
}

function parseDatabase(value: string | undefined, defaultPath: string): DatabaseConfig {
  if (!value) return { kind: 'sqlite', path: defaultPath }
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('file://')) {
    throw new ConfigError(
      `ZOHO_AUTH_DB "${value.replace(/\/\/[^@/]*@/, '//****@')}" is neither a file path nor a postgres:// URL`,
      'Set ZOHO_AUTH_DB to a SQLite file path, or to postgres://user@host:5432/db.',
    )
  }
  return { kind: 'sqlite', path: value.startsWith('file://') ? new URL(value).pathname : value }
}

function parseEmulatorURL(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http')
    return value.replace(/\/+$/, '')
  } catch {
    throw new ConfigError(
      `ZOHO_EMULATOR_URL "${value}" is not an http(s) URL`,
      'Set it to the base URL the emulator printed at start, e.g. http://127.0.0.1:3002.',
    )
  }
}
