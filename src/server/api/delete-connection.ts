/**
 * `DELETE /api/v1/connections/:id[?force=true]`: revoke at Zoho, then delete. A grant that is
 * only deleted here stays live at Zoho and keeps one of the 20 refresh tokens Zoho allows per
 * user and client, so a revoke Zoho refused stops the delete (502) unless `force=true` says to
 * delete anyway.
 */
import { ConnectionNotFoundError, RevokeFailedError } from '../../tokens/errors.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError } from '../errors.js'

/** The answer of a delete: `revoked` says whether Zoho's grant is gone (now or before). */
export interface DeleteAnswer {
  deleted: true
  revoked: boolean
  /** What happened to the grant at Zoho, in words. */
  message: string
}

/** Revokes `id` at Zoho where that can work, then deletes it; see the file comment. */
export async function deleteConnection(
  deps: Pick<BrokerDeps, 'manager' | 'store'>,
  id: string,
  options: { force: boolean },
): Promise<DeleteAnswer> {
  if (options.force) {
    if (!(await deps.manager.delete(id))) throw new ConnectionNotFoundError(id)
    return {
      deleted: true,
      revoked: false,
      message: `Deleted "${id}" without revoking it at Zoho (force=true): unless it was already dead, its grant stays live at Zoho and counts against the 20 refresh tokens per user and client until the user removes it under Connected Apps in their Zoho account.`,
    }
  }
  const connection = await deps.store.get(id)
  if (connection === null) throw new ConnectionNotFoundError(id)
  let message: string
  let revoked = true
  if (connection.status === 'revoked') {
    message = `Deleted "${id}"; its grant had already been revoked at Zoho.`
  } else if (connection.status === 'needs_reauth') {
    // Zoho already refused this refresh token (invalid_code): there is nothing left to revoke.
    revoked = false
    message = `Deleted "${id}"; Zoho had already dropped its refresh token (it needed re-authorisation), so there was nothing to revoke.`
  } else {
    try {
      await deps.manager.revoke(id)
    } catch (error) {
      if (!(error instanceof RevokeFailedError)) throw error
      throw new BrokerHttpError(
        502,
        error.code,
        `${error.message}; "${id}" was not deleted`,
        `${error.remedy} Deleting it without a revoke leaves the grant counting against Zoho's limit of 20 refresh tokens per user and client; to do that anyway, send DELETE /api/v1/connections/${encodeURIComponent(id)}?force=true.`,
      )
    }
    message = `Revoked "${id}" at Zoho and deleted it.`
  }
  // Gone meanwhile (another instance deleted it): the end state is the one asked for.
  await deps.manager.delete(id)
  return { deleted: true, revoked, message }
}
