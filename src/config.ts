/**
 * Environment, `.env` and flags → one validated Config. Flags override the environment, and the
 * environment overrides `.env` (a deployed process's real environment must win over a stray file).
 * Every value is checked here, before anything is sent, and an error names where the value came
 * from (`--flag`, `NAME in the environment`, `NAME in /path/.env`).
 */
import {
  DATA_CENTER_LOCATIONS,
  isDataCenterLocation,
  type DataCenterLocation,
} from './protocol/data-centers.js'
import { ConfigError } from './config-error.js'
import { defaultDatabasePath, defaultKeyFilePath } from './stores/paths.js'
import {
  checkCredential,
  checkEmulatorURL,
  checkRedirectURI,
  type ConfigSource,
  type Setting,
} from './config-checks.js'
import { readEnvironmentSources } from './config-env.js'
import { parseAllowedOrigins } from './config-origins.js'

export { ConfigError, ERR_CONFIG } from './config-error.js'

export const DEFAULT_REDIRECT_URI = 'http://localhost:3001/oauth/callback'
export const DEFAULT_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.settings.ALL',
  'ZohoCRM.users.READ',
  'ZohoCRM.org.READ',
]

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }

export type { ConfigSource } from './config-checks.js'

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
  /**
   * `ZOHO_AUTH_ALLOWED_ORIGINS`: origins of browser apps the broker trusts (a connect flow's
   * `return_to`, later CORS), each exactly `scheme://host[:port]`.
   */
  allowedOrigins: string[]
  /**
   * `ZOHO_AUTH_WEBHOOK_URL` and `ZOHO_AUTH_WEBHOOK_SECRET` (`whsec_<base64>`): where the broker
   * posts connection events, signed as Standard Webhooks do. Checked when the broker starts.
   */
  webhook: { url: string; secret: string | undefined } | undefined
  /** Loopback only unless `ZOHO_EMULATOR_ALLOW_REMOTE=1` / `--emulator-allow-remote`. */
  emulatorURL: string | undefined
  emulatorSource: ConfigSource | undefined
  /** What a command should say on stderr before it runs: emulator mode, unusual credentials. */
  warnings: string[]
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
  emulatorAllowRemote?: boolean | undefined
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
  return readEnvironmentSources(env, cwd).env
}

export function loadConfig(options: LoadConfigOptions): Config {
  const { env, dotenvPath, fromDotenv } = readEnvironmentSources(options.env, options.cwd)
  const flags = options.flags ?? {}
  const warnings: string[] = []
  const setting = (name: string, flag?: { name: string; value: string | undefined }): Setting => {
    const fromFlag = nonEmpty(flag?.value)
    if (fromFlag !== undefined && flag) return { value: fromFlag, source: 'flag', label: flag.name }
    const value = nonEmpty(env[name])
    if (value === undefined) return { value, source: undefined, label: name }
    return fromDotenv.has(name)
      ? { value, source: '.env', label: `${name} in ${dotenvPath}` }
      : { value, source: 'environment', label: `${name} in the environment` }
  }

  const dc = parseDataCenter(setting('ZOHO_DC', { name: '--dc', value: flags.dc }).value ?? 'us')
  // The allow counts only from the real environment or a flag: a stray .env that names a remote
  // emulator must not be able to allow itself.
  const allowRemote = setting('ZOHO_EMULATOR_ALLOW_REMOTE')
  const emulator = checkEmulatorURL(
    setting('ZOHO_EMULATOR_URL', { name: '--emulator-url', value: flags.emulatorURL }),
    flags.emulatorAllowRemote === true ||
      (parseYesNo(allowRemote) === true && allowRemote.source !== '.env'),
  )
  if (emulator.warning) warnings.push(emulator.warning)
  const credential = (kind: 'clientId' | 'clientSecret', s: Setting): string | undefined => {
    const checked = checkCredential(kind, s)
    if (checked.warning) warnings.push(checked.warning)
    return checked.value
  }
  const dcSecrets: Partial<Record<DataCenterLocation, string>> = {}
  for (const location of DATA_CENTER_LOCATIONS) {
    const secret = credential(
      'clientSecret',
      setting(`ZOHO_CLIENT_SECRET_${location.toUpperCase()}`),
    )
    if (secret) dcSecrets[location] = secret
  }
  return {
    clientId: credential(
      'clientId',
      setting('ZOHO_CLIENT_ID', { name: '--client-id', value: flags.clientId }),
    ),
    clientSecret: credential(
      'clientSecret',
      setting('ZOHO_CLIENT_SECRET', { name: '--client-secret', value: flags.clientSecret }),
    ),
    dcSecrets,
    refreshToken: nonEmpty(env.ZOHO_REFRESH_TOKEN),
    dc,
    redirectURI:
      checkRedirectURI(
        setting('ZOHO_REDIRECT_URI', { name: '--redirect-uri', value: flags.redirectURI }),
      ) ?? DEFAULT_REDIRECT_URI,
    scopes:
      parseScopes(setting('ZOHO_SCOPES', { name: '--scopes', value: flags.scopes }).value) ??
      DEFAULT_SCOPES,
    database: parseDatabase(
      setting('ZOHO_AUTH_DB', { name: '--db', value: flags.db }),
      defaultDatabasePath(env),
    ),
    encryptionKey: nonEmpty(env.ZOHO_AUTH_ENCRYPTION_KEY),
    keyFilePath: defaultKeyFilePath(env),
    adminToken: nonEmpty(env.ZOHO_AUTH_ADMIN_TOKEN),
    allowedOrigins: parseAllowedOrigins(setting('ZOHO_AUTH_ALLOWED_ORIGINS')),
    webhook: webhookSettings(
      setting('ZOHO_AUTH_WEBHOOK_URL').value,
      setting('ZOHO_AUTH_WEBHOOK_SECRET').value,
    ),
    emulatorURL: emulator.url,
    emulatorSource: emulator.url === undefined ? undefined : emulator.source,
    warnings,
  }
}

function webhookSettings(url: string | undefined, secret: string | undefined): Config['webhook'] {
  const trimmedUrl = nonEmpty(url)
  if (trimmedUrl === undefined) return undefined
  return { url: trimmedUrl, secret: nonEmpty(secret) }
}

// Zero-width characters and the BOM ride along with copies from web pages and chat apps.
const EDGE_SPACE = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.replace(EDGE_SPACE, '')
  return trimmed ? trimmed : undefined
}

function parseYesNo(s: Setting): boolean | undefined {
  if (s.value === undefined) return undefined
  const value = s.value.toLowerCase()
  if (['1', 'true', 'yes'].includes(value)) return true
  if (['0', 'false', 'no'].includes(value)) return false
  throw new ConfigError(
    `${s.label} is "${s.value}"`,
    'Set it to 1 (allow) or 0 (refuse), or remove it.',
  )
}

function parseDataCenter(value: string): DataCenterLocation {
  const location = value.toLowerCase()
  if (isDataCenterLocation(location)) return location
  throw new ConfigError(
    `Unknown Zoho data centre "${value}"`,
    `Set ZOHO_DC (or --dc) to one of: ${DATA_CENTER_LOCATIONS.join(', ')}.`,
  )
}

function parseScopes(value: string | undefined): string[] | undefined {
  if (!value) return undefined
  const scopes = value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  return scopes.length > 0 ? scopes : undefined
}

/** A connection string for a message: the user and password never appear. */
function maskedDatabaseURL(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//****@')
}

/**
 * The driver decodes the user, password and database name, and one that does not decode (`%zz`)
 * silently becomes its defaults: the error then names localhost and role "postgres" instead.
 */
function decodesCleanly(url: URL): boolean {
  try {
    for (const part of [url.username, url.password, url.pathname]) decodeURIComponent(part)
    return true
  } catch {
    return false
  }
}

function parseDatabase(s: Setting, defaultPath: string): DatabaseConfig {
  const value = s.value
  if (!value) return { kind: 'sqlite', path: defaultPath }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    // The driver parses with the same WHATWG URL parser, and would say only "Invalid URL".
    if (!URL.canParse(value) || !decodesCleanly(new URL(value))) {
      throw new ConfigError(
        `${s.label} is "${maskedDatabaseURL(value)}", not a valid postgres:// URL`,
        'Percent-encode special characters in the user name and password (# as %23, @ as %40, / as %2F) and check the host and port: postgres://user:password@host:5432/database.',
      )
    }
    return { kind: 'postgres', url: value }
  }
  const isFileURL = value.startsWith('file://')
  if (
    (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !isFileURL) ||
    (isFileURL && !URL.canParse(value))
  ) {
    throw new ConfigError(
      `${s.label} is "${maskedDatabaseURL(value)}", neither a file path nor a postgres:// URL`,
      'Set ZOHO_AUTH_DB to a SQLite file path, or to postgres://user@host:5432/db.',
    )
  }
  return { kind: 'sqlite', path: isFileURL ? new URL(value).pathname : value }
}
