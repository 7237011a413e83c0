/**
 * The accounts of one browser session: the connections named with its owner tag
 * (session.ts), as the page may see them (never a refresh token). Signing the same Zoho user in
 * twice leaves two grants; the older one is revoked and deleted here, because each grant counts
 * against Zoho's 20 refresh tokens per user and client.
 */
import type { Connection } from '../../stores/store.js'
import { deleteConnection } from '../api/delete-connection.js'
import { isRowProblem } from '../api/serialize.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError, ERR_NOT_FOUND } from '../errors.js'
import { ownedPrefix } from './session.js'

/** One account of this browser, as `GET /browser/v1/accounts` lists it. */
export interface BrowserAccountView {
  id: string
  email: string | null
  zuid: string | null
  dc: string
  api_domain: string | null
  status: Connection['status']
  created_at: string
}

function view(deps: Pick<BrokerDeps, 'dataCenters'>, c: Connection): BrowserAccountView {
  return {
    id: c.id,
    email: c.email,
    zuid: c.zuid,
    dc: c.dc,
    // From the DC table, never the stored value (docs/architecture.md, "Security decisions").
    api_domain: deps.dataCenters.byLocation(c.dc)?.apiDomain ?? null,
    status: c.status,
    created_at: new Date(c.createdAt).toISOString(),
  }
}

/** A 404 for an id this browser does not own, whether or not it exists. */
export function notThisBrowsers(id: string): BrokerHttpError {
  return new BrokerHttpError(
    404,
    ERR_NOT_FOUND,
    `This browser has no account "${id.slice(0, 128)}"`,
    'List this browser’s accounts with GET /browser/v1/accounts, or sign the account in again through /browser/v1/connect.',
  )
}

/** The connection `id` if session `sid` owns it; a 404 otherwise. */
export async function ownedConnection(
  deps: Pick<BrokerDeps, 'store'>,
  sid: string | null,
  id: string,
): Promise<Connection> {
  const connection =
    sid !== null && id.startsWith(ownedPrefix(sid)) ? await deps.store.get(id) : null
  if (connection === null) throw notThisBrowsers(id)
  return connection
}

async function readable(deps: Pick<BrokerDeps, 'store'>, id: string): Promise<Connection | null> {
  try {
    return await deps.store.get(id)
  } catch (error) {
    // A row this key ring cannot read is not shown to a browser; the admin's list shows it.
    if (isRowProblem(error)) return null
    throw error
  }
}

/** This session's accounts, oldest first, one per Zoho user (older duplicates retired). */
export async function listBrowserAccounts(
  deps: BrokerDeps,
  sid: string | null,
): Promise<BrowserAccountView[]> {
  if (sid === null) return []
  const prefix = ownedPrefix(sid)
  const ids = (await deps.store.listIds()).filter((id) => id.startsWith(prefix))
  const rows = (await Promise.all(ids.map((id) => readable(deps, id)))).filter(
    (row): row is Connection => row !== null,
  )
  rows.sort((a, b) => a.createdAt - b.createdAt)
  const newestByUser = new Map<string, Connection>()
  for (const row of rows) if (row.zuid !== null) newestByUser.set(row.zuid, row)
  const kept: Connection[] = []
  for (const row of rows) {
    const newest = row.zuid === null ? row : newestByUser.get(row.zuid)
    if (newest === row || !(await retire(deps, row))) kept.push(row)
  }
  return kept.map((row) => view(deps, row))
}

async function retire(deps: BrokerDeps, row: Connection): Promise<boolean> {
  try {
    await deleteConnection(deps, row.id, { force: false })
    deps.logger.info({
      msg: 'browser account signed in again; older grant retired',
      connection: row.id,
    })
    return true
  } catch (error) {
    deps.logger.warn({ msg: 'older browser grant kept', connection: row.id, error: String(error) })
    return false
  }
}
