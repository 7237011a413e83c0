/**
 * What `api`, `crm` and `invoice` share: open the store, pick the connection (the one named,
 * else "default", else the only one), hand a ZohoApiClient to the work, close the store.
 */
import { ZohoApiClient } from '../api/client.js'
import { ConnectionNotFoundError } from '../tokens/errors.js'
import { CONFIG_OPTIONS, configFlags } from './args.js'
import type { CommandContext } from './command.js'
import { openRuntime, resolveConnectionId } from './runtime.js'

/** The flags every command that calls Zoho's APIs takes. */
export const API_OPTIONS = { ...CONFIG_OPTIONS, connection: { type: 'string' } } as const

export const API_USAGE = `  --connection NAME   which connection (default: "default", or the only one)`

export async function withApiClient<T>(
  ctx: CommandContext,
  values: Record<string, unknown>,
  work: (client: ZohoApiClient) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(ctx, configFlags(values))
  try {
    const requested = typeof values.connection === 'string' ? values.connection : undefined
    const connectionId = await resolveConnectionId(runtime, requested)
    if ((await runtime.manager.get(connectionId)) === null) {
      throw new ConnectionNotFoundError(connectionId)
    }
    const client = new ZohoApiClient({
      manager: runtime.manager,
      connectionId,
      // The emulator speaks plain HTTP; the client still refuses it off loopback.
      allowInsecureHTTP: runtime.config.emulatorURL !== undefined,
    })
    return await work(client)
  } finally {
    await runtime.close()
  }
}
