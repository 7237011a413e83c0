/**
 * What a command that talks to Zoho needs: the config, an open store and a TokenManager. The
 * database driver is imported only for the kind of database configured.
 */
import { loadConfig, ConfigError, type Config, type ConfigFlags } from '../config.js'
import { dataCenterTable } from '../protocol/data-centers.js'
import type { KeyRing } from '../stores/crypto.js'
import { resolveKeyRing } from '../stores/key-file.js'
import type { ConnectionStore } from '../stores/store.js'
import { TokenManager } from '../tokens/manager.js'
import type { CommandContext } from './command.js'

export interface Runtime {
  config: Config
  store: ConnectionStore
  manager: TokenManager
  close(): Promise<void>
}

export async function openStore(
  config: Config,
  ctx: Pick<CommandContext, 'env' | 'stderr'>,
): Promise<ConnectionStore> {
  const { keyRing, warning } = resolveKeyRing(
    { ZOHO_AUTH_ENCRYPTION_KEY: config.encryptionKey },
    config.keyFilePath,
  )
  if (warning) ctx.stderr.write(`zoho-auth: warning: ${warning}\n`)
  return openStoreWithKeyRing(config, keyRing)
}

/** The configured store under a given key ring (`keys rotate` chooses its own). */
export async function openStoreWithKeyRing(
  config: Config,
  keyRing: KeyRing,
): Promise<ConnectionStore> {
  if (config.database.kind === 'postgres') {
    const { openPostgresStore } = await import('../stores/postgres.js')
    return openPostgresStore({ connectionString: config.database.url, keyRing })
  }
  const { openSqliteStore } = await import('../stores/sqlite.js')
  return openSqliteStore({ path: config.database.path, keyRing })
}

export async function openRuntime(ctx: CommandContext, flags: ConfigFlags): Promise<Runtime> {
  const config = loadConfig({ env: ctx.env, cwd: ctx.cwd, flags })
  for (const warning of config.warnings) ctx.stderr.write(`zoho-auth: warning: ${warning}\n`)
  const store = await openStore(config, ctx)
  const manager = new TokenManager({
    store,
    client:
      config.clientId && config.clientSecret
        ? {
            clientId: config.clientId,
            clientSecret: config.clientSecret,
            dcSecrets: config.dcSecrets,
          }
        : undefined,
    dataCenters: dataCenterTable({ emulatorURL: config.emulatorURL }),
    // The emulator speaks plain HTTP; the protocol layer still refuses it off loopback.
    allowInsecureHTTP: config.emulatorURL !== undefined,
  })
  // What the manager noticed but worked around (a token answer naming another API host, or no
  // usable lifetime) is for the person running the command to see.
  manager.on((event) => {
    if (event.type === 'warning') ctx.stderr.write(`zoho-auth: warning: ${event.message}\n`)
  })
  return {
    config,
    store,
    manager,
    async close() {
      await manager.close()
      await store.close()
    },
  }
}

/** Commands that create connections need the OAuth client. */
export function requireClient(config: Config): void {
  const missing = [
    config.clientId ? null : 'ZOHO_CLIENT_ID',
    config.clientSecret ? null : 'ZOHO_CLIENT_SECRET',
  ].filter(Boolean)
  if (missing.length > 0) {
    throw new ConfigError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
      'Copy the Client ID and Client Secret from the Zoho API console (api-console.zoho.com → your client) into the environment or .env, or pass --client-id / --client-secret.',
    )
  }
}

/**
 * The connection a command acts on: the one named, else the stored default (`connections use`),
 * else "default", else the only one. With several and none named, the error lists them. A
 * default naming a connection since removed is ignored rather than followed.
 */
export async function resolveConnectionId(
  runtime: Pick<Runtime, 'store'>,
  requested: string | undefined,
): Promise<string> {
  if (requested) return requested
  // Ids only: a row this key ring cannot decrypt must not stop finding another by name.
  const ids = await runtime.store.listIds()
  const chosen = await runtime.store.getDefaultConnection()
  if (chosen !== null && ids.includes(chosen)) return chosen
  if (ids.length === 0 || ids.includes('default')) return 'default'
  const [only] = ids
  if (ids.length === 1 && only) return only
  throw new ConfigError(
    `There are ${ids.length} connections and none is named "default"`,
    `Pick one for every command: zoho-auth connections use NAME (one of: ${ids.join(', ')}), or pass --connection NAME.`,
  )
}
