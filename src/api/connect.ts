/**
 * For scripts: one call that reads the same configuration as the CLI (environment, `.env`, the
 * default store and key), opens the store the CLI opens, and hands back a client for a
 * connection — the default one unless another is named.
 */
import type { Config, ConfigFlags } from '../config.js'
import type { CommandContext } from '../cli/command.js'
import { openRuntime, resolveConnectionId } from '../cli/runtime.js'
import { ConnectionNotFoundError } from '../tokens/errors.js'
import type { TokenManager } from '../tokens/manager.js'
import { ZohoApiClient, type ZohoApiClientOptions } from './client.js'

/**
 * Where connectZoho looks for its configuration; every field defaults to the process's own.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/self-client/overview.html
 */
export interface ConnectZohoOptions {
  /** The connection to use; default: "default", else the only one (as the CLI chooses). */
  connection?: string
  /** Where `.env` is read from. Default `process.cwd()`. */
  cwd?: string
  /** Default `process.env`. */
  env?: Record<string, string | undefined>
  /** What the CLI's flags would say (`--db`, `--dc`, …); each wins over its variable. */
  flags?: ConfigFlags
  /** Where a warning goes (a key file generated on first use). Default `process.stderr`. */
  stderr?: { write(text: string): void }
  /** Client settings: timeouts, retries, rate-limit wait, fetch. */
  client?: Omit<ZohoApiClientOptions, 'manager' | 'connectionId'>
}

/**
 * A ready client and what it runs on; `close()` when done (it closes the store).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export interface ZohoConnection {
  client: ZohoApiClient
  manager: TokenManager
  connectionId: string
  config: Config
  close(): Promise<void>
}

/**
 * Opens the CLI's store with the CLI's configuration and returns a client for one connection.
 * Throws ConfigError for bad settings and ConnectionNotFoundError when the connection does not
 * exist (create it with `zoho-auth exchange` or `zoho-auth import` first).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export async function connectZoho(options: ConnectZohoOptions = {}): Promise<ZohoConnection> {
  const stderr = options.stderr ?? { write: (text: string) => void process.stderr.write(text) }
  const context: CommandContext = {
    argv: [],
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    stdout: stderr,
    stderr,
    signal: new AbortController().signal,
  }
  const runtime = await openRuntime(context, options.flags ?? {})
  try {
    const connectionId = await resolveConnectionId(runtime, options.connection)
    if ((await runtime.manager.get(connectionId)) === null) {
      throw new ConnectionNotFoundError(connectionId)
    }
    const client = new ZohoApiClient({
      // The emulator speaks plain HTTP; the client still refuses it off loopback.
      allowInsecureHTTP: runtime.config.emulatorURL !== undefined,
      ...options.client,
      manager: runtime.manager,
      connectionId,
    })
    return {
      client,
      manager: runtime.manager,
      connectionId,
      config: runtime.config,
      close: () => runtime.close(),
    }
  } catch (error) {
    await runtime.close()
    throw error
  }
}
