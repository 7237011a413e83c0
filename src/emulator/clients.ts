/**
 * Client authentication at the token endpoints, with Zoho's multi-DC rules: a client exists only
 * in the DCs it is enabled for, and may have a distinct secret per DC.
 */
import type { EmulatorContext, OAuthFailure } from './context.js'
import type { Dc } from './dcs.js'
import { fail } from './http.js'
import type { Client } from './state.js'

/** The client, if it exists in this DC (else `invalid_client`). */
export function clientInDc(
  ctx: EmulatorContext,
  clientId: string | undefined,
  dc: Dc,
): Client | undefined {
  const client = clientId ? ctx.state.clients.get(clientId) : undefined
  return client && client.dcs.includes(dc) ? client : undefined
}

/** The secret this DC expects: its own when multi-DC was set up with a per-DC secret. */
export function secretFor(client: Client, dc: Dc): string {
  return client.dcSecrets[dc] ?? client.secret
}

export function authenticateClient(
  ctx: EmulatorContext,
  params: Record<string, string>,
  dc: Dc,
): { ok: true; client: Client } | OAuthFailure {
  const client = clientInDc(ctx, params.client_id, dc)
  // Zoho: an unknown client_id, or one not enabled in this DC, is `invalid_client`.
  if (!client) return fail('invalid_client')
  if (params.client_secret !== secretFor(client, dc)) return fail('invalid_client_secret')
  return { ok: true, client }
}
