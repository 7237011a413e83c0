/**
 * `POST /api/v1/connections` `{id, dc?, code | refresh_token, client_id?, client_secret?,
 * replace?}`. A code or refresh token of another OAuth client (a Self Client, say) brings that
 * client's id and secret; the secret is kept encrypted in the store, where the token manager
 * finds it for every later refresh of the connection.
 */
import type { Context } from 'hono'
import type { DataCenterLocation } from '../../protocol/data-centers.js'
import { ERR_CONNECTION_EXISTS, type Connection, type StoredClient } from '../../stores/store.js'
import type { BrokerDeps } from '../deps.js'
import { ZohoOAuthError } from '../../protocol/errors.js'
import { BrokerHttpError } from '../errors.js'
import {
  badRequest,
  dataCenterField,
  onlyFields,
  optionalBoolean,
  optionalString,
  readJsonObject,
  requiredString,
} from './body.js'
import { checkConnectionId } from './connection-id.js'

const FIELDS = ['id', 'dc', 'code', 'refresh_token', 'client_id', 'client_secret', 'replace']

/** A checked create request: what to exchange, as which client, into which id and DC. */
export interface CreateRequest {
  id: string
  dc: DataCenterLocation
  grant: { code: string } | { refreshToken: string }
  /** The other client's id and (new) secret; absent for the broker's own client. */
  client?: { clientId: string; clientSecret?: string }
  replace: boolean
}

/** Reads and checks the body; nothing is sent to Zoho yet. */
export async function readCreateRequest(deps: BrokerDeps, c: Context): Promise<CreateRequest> {
  const body = await readJsonObject(c)
  onlyFields(body, FIELDS)
  const id = checkConnectionId(requiredString(body, 'id'))
  const code = optionalString(body, 'code')
  const refreshToken = optionalString(body, 'refresh_token')
  if ((code === undefined) === (refreshToken === undefined)) {
    throw badRequest(
      code === undefined
        ? 'Send a "code" or a "refresh_token"'
        : 'Send a "code" or a "refresh_token", not both',
      'Send "code" (a grant code, e.g. from a Self Client) or "refresh_token" (an existing grant) to create the connection from.',
    )
  }
  const clientId = optionalString(body, 'client_id')
  const clientSecret = optionalString(body, 'client_secret')
  if (clientSecret !== undefined && clientId === undefined) {
    throw badRequest(
      '"client_secret" was sent without "client_id"',
      'Send the client_id of the client the secret belongs to (as shown in the Zoho API console).',
    )
  }
  const own = clientId === undefined || clientId === deps.client?.clientId
  if (own && clientSecret !== undefined && clientSecret !== deps.client?.clientSecret) {
    throw badRequest(
      `"client_id" is this broker's own client, whose secret is configured (ZOHO_CLIENT_SECRET)`,
      'Leave out "client_secret" for the broker\'s own client, or fix ZOHO_CLIENT_SECRET if it changed.',
    )
  }
  const replace = optionalBoolean(body, 'replace') ?? false
  return {
    id,
    dc: dataCenterField(deps, body) ?? deps.settings.defaultDc,
    grant: code !== undefined ? { code } : { refreshToken: refreshToken as string },
    ...(own || clientId === undefined
      ? {}
      : { client: { clientId, ...(clientSecret !== undefined ? { clientSecret } : {}) } }),
    replace,
  }
}

/**
 * Creates the connection. A client secret sent along stays stored only if the grant works with
 * it: on any failure the client is put back as it was (or removed, if it was new), so a
 * mistyped secret does not break the connections that already use that client. (While the one
 * exchange is in flight, their refreshes use the new secret; a wrong one fails such a refresh
 * as `invalid_client`, which never marks a connection as needing re-authorisation.)
 */
export async function createConnection(
  deps: BrokerDeps,
  request: CreateRequest,
): Promise<Connection> {
  // Checked before the code is spent: a code is single use.
  if (!request.replace && (await deps.store.get(request.id)) !== null) {
    throw new BrokerHttpError(
      409,
      ERR_CONNECTION_EXISTS,
      `A connection with id "${request.id}" already exists`,
      'Pick another id, or send "replace": true to put this grant in its place (the old grant is not revoked; revoke it first if it should stop counting against Zoho\'s limit).',
    )
  }
  const restore = await installClient(deps, request.client)
  try {
    const common = {
      id: request.id,
      dc: request.dc,
      replace: request.replace,
      ...(request.client !== undefined ? { clientId: request.client.clientId } : {}),
    }
    return 'code' in request.grant
      ? await deps.manager.createFromCode({ ...common, code: request.grant.code })
      : await deps.manager.importRefreshToken({
          ...common,
          refreshToken: request.grant.refreshToken,
        })
  } catch (error) {
    await restore()
    throw request.client === undefined ? withOtherClientHint(error) : error
  }
}

/**
 * Zoho answers a code or refresh token of another client, sent with the broker's own, as if it
 * were used up (`invalid_code`) or unknown (`invalid_client`); the likeliest cause here is a
 * Self Client code sent without that client's id and secret, so the remedy says so.
 */
function withOtherClientHint(error: unknown): unknown {
  if (!(error instanceof ZohoOAuthError)) return error
  if (error.error !== 'invalid_code' && error.error !== 'invalid_client') return error
  return new BrokerHttpError(
    400,
    error.code,
    error.message,
    `${error.remedy} If it was made by another OAuth client (a Self Client's code, say), send that client's "client_id" and "client_secret" with it.`,
  )
}

/** Stores the client's new secret; returns how to undo that. */
async function installClient(
  deps: BrokerDeps,
  client: CreateRequest['client'],
): Promise<() => Promise<void>> {
  const nothing = async (): Promise<void> => undefined
  if (client === undefined) return nothing
  const previous: StoredClient | null = await deps.store.getClient(client.clientId)
  if (client.clientSecret === undefined) {
    // Without a secret the token manager would fall back to the broker's own client: refuse.
    if (previous === null) {
      throw badRequest(
        `OAuth client "${client.clientId}" is not known to this broker`,
        'Send its "client_secret" with "client_id" (it is kept encrypted and used for every refresh of this connection).',
      )
    }
    return nothing
  }
  if (previous?.clientSecret === client.clientSecret) return nothing
  await deps.store.saveClient(
    {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      dcSecrets: previous?.dcSecrets ?? {},
    },
    deps.now(),
  )
  return async () => {
    if (previous === null) await deps.store.deleteClient(client.clientId)
    else await deps.store.saveClient(previous, deps.now())
  }
}
