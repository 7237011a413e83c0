/**
 * `POST /api/v1/connect-links` `{connection, scopes?, dc?, return_to?}` → 201 `{url,
 * expires_at}`: a single-use link (30 minutes) a backend hands to its own end user, who follows
 * it to connect their Zoho account as `connection`. Everything in it is checked here, before it
 * is signed: the id, the DC against the trusted table, the scopes, and `return_to` against the
 * allowlist (no open redirect).
 */
import type { Hono } from 'hono'
import type { BrokerEnv } from '../auth.js'
import { mintConnectLink, type ConnectLinkGrant } from '../connect-link.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError } from '../errors.js'
import { ERR_CLIENT_NOT_CONFIGURED } from '../../tokens/errors.js'
import {
  badRequest,
  dataCenterField,
  limitBody,
  onlyFields,
  optionalString,
  readJsonObject,
  requiredString,
} from './body.js'
import { checkConnectionId } from './connection-id.js'
import { checkReturnTo } from './return-to.js'

const FIELDS = ['connection', 'scopes', 'dc', 'return_to']
// Zoho scope names: Service.scope.operation, e.g. ZohoCRM.modules.ALL or aaaserver.profile.READ.
const SCOPE = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/

/** Scopes as a comma string or an array of strings, each a Zoho scope name; none → undefined. */
export function readScopes(value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  const list =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value) && value.every((s) => typeof s === 'string')
        ? (value as string[])
        : undefined
  if (list === undefined) {
    throw badRequest(
      'Field "scopes" must be a comma-separated string or an array of strings',
      'Send e.g. "ZohoCRM.modules.ALL,ZohoCRM.users.READ" or ["ZohoCRM.modules.ALL"].',
    )
  }
  // An array item may itself be a comma list, as Zoho's own scope parameter is.
  const names = list.flatMap((item) => item.split(',')).map((s) => s.trim())
  const scopes = [...new Set(names.filter((s) => s !== ''))]
  if (scopes.length === 0) {
    throw badRequest(
      'Field "scopes" names no scope',
      'Leave "scopes" out for the broker\'s default scopes, or name at least one.',
    )
  }
  const bad = scopes.find((s) => !SCOPE.test(s))
  if (bad !== undefined) {
    throw badRequest(
      `"${bad.slice(0, 100)}" is not a Zoho scope name`,
      'Zoho scopes look like Service.scope.OPERATION, e.g. ZohoCRM.modules.ALL or ZohoCRM.users.READ.',
    )
  }
  return scopes
}

/** Mounts `POST /connect-links` on `api`. */
export function connectLinkRoutes(api: Hono<BrokerEnv>, deps: BrokerDeps): void {
  api.post('/connect-links', limitBody(deps), async (c) => {
    if (deps.client === undefined) {
      throw new BrokerHttpError(
        503,
        ERR_CLIENT_NOT_CONFIGURED,
        'This broker has no OAuth client of its own, so no connect link could work',
        "Set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET (a server-based client whose redirect URI is this broker's /oauth/callback) and restart it.",
      )
    }
    const body = await readJsonObject(c)
    onlyFields(body, FIELDS)
    const connection = checkConnectionId(requiredString(body, 'connection'))
    const dc = dataCenterField(deps, body)
    const scopes = readScopes(body.scopes)
    const returnTo = optionalString(body, 'return_to')
    const grant: ConnectLinkGrant = {
      connection,
      ...(dc !== undefined ? { dc } : {}),
      ...(scopes !== undefined ? { scopes } : {}),
      ...(returnTo !== undefined ? { returnTo: checkReturnTo(deps.settings, returnTo) } : {}),
    }
    const { url, expiresAt } = mintConnectLink(deps, grant)
    c.header('cache-control', 'no-store')
    return c.json({ url, expires_at: new Date(expiresAt).toISOString() }, 201)
  })
}
