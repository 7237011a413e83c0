/**
 * `zoho-auth exchange --file self_client.json`: the file's client id and secret win over the
 * environment for this exchange (it is the client that minted the code), and the secret is kept,
 * encrypted, as a registered client in the store, so every later refresh of the connection finds
 * it without ZOHO_CLIENT_SECRET.
 */
import type { ConfigFlags } from '../config.js'
import { dataCenterTable } from '../protocol/data-centers.js'
import type { Connection } from '../stores/store.js'
import { TokenManager } from '../tokens/manager.js'
import type { CommandContext } from './command.js'
import { openRuntime } from './runtime.js'
import { readSelfClientFile } from './self-client-file.js'

export async function exchangeSelfClientFile(
  ctx: CommandContext,
  o: { file: string; connectionId: string; replace: boolean; flags: ConfigFlags },
): Promise<Connection> {
  // Read and checked before the store opens or anything is sent: a bad file costs nothing.
  const file = readSelfClientFile(o.file, ctx.cwd)
  const runtime = await openRuntime(ctx, {
    ...o.flags,
    clientId: file.clientId,
    clientSecret: file.clientSecret,
  })
  const { config, store } = runtime
  // A manager of its own: the runtime's would also apply ZOHO_CLIENT_SECRET_<DC> from the
  // environment, which belongs to whatever client the environment names, not to this file's.
  const manager = new TokenManager({
    store,
    client: { clientId: file.clientId, clientSecret: file.clientSecret },
    dataCenters: dataCenterTable({ emulatorURL: config.emulatorURL }),
    allowInsecureHTTP: config.emulatorURL !== undefined,
  })
  try {
    let connection = await manager.createFromCode({
      id: o.connectionId,
      code: file.code,
      dc: config.dc,
      clientId: file.clientId,
      replace: o.replace,
    })
    // Saved only after Zoho accepted it: a mistyped secret must not replace a working one.
    const existing = await store.getClient(file.clientId)
    await store.saveClient(
      {
        clientId: file.clientId,
        clientSecret: file.clientSecret,
        // A stored per-DC secret for this DC would win over clientSecret: this one is current.
        dcSecrets: existing ? { ...existing.dcSecrets, [connection.dc]: file.clientSecret } : {},
      },
      Date.now(),
    )
    // Zoho may answer without `scope`; the file says what the code was minted for.
    if (connection.scopes.length === 0 && file.scopes.length > 0) {
      connection =
        (await store.update(
          connection.id,
          { scopes: file.scopes },
          connection.version,
          Date.now(),
        )) ?? connection
    }
    return connection
  } finally {
    await manager.close()
    await runtime.close()
  }
}
