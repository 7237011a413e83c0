/**
 * Validating an authorize request the way Zoho's accounts server does: an unknown client or an
 * unregistered redirect URI gets an error page (never a redirect to an unchecked URI); every later
 * problem is reported to the client on its redirect URI.
 */
import type { EmulatorContext } from '../context.js'
import type { Dc } from '../dcs.js'
import { encodePairs, withQuery } from '../http.js'
import { parseScopes } from '../scopes.js'
import type { Client, PkceChallenge, User } from '../state.js'

export interface AuthorizeRequest {
  client: Client
  responseType: 'code' | 'token'
  redirectURI: string
  scopes: string[]
  offline: boolean
  promptConsent: boolean
  state: string | undefined
  pkce: PkceChallenge | undefined
}

export type Validation =
  | { kind: 'ok'; request: AuthorizeRequest }
  | { kind: 'page'; code: string; message: string }
  | { kind: 'redirect'; location: string }

/** Where an error goes back to the client: the query for the code flow, the fragment for implicit. */
export function errorRedirect(
  redirectURI: string,
  responseType: string | undefined,
  error: string,
  state: string | undefined,
): string {
  const pairs = encodePairs([
    ['error', error],
    ['state', state],
  ])
  return responseType === 'token' ? `${redirectURI}#${pairs}` : withQuery(redirectURI, pairs)
}

export function validateAuthorize(
  ctx: EmulatorContext,
  params: Record<string, string>,
  dc: Dc,
): Validation {
  const client = params.client_id ? ctx.state.clients.get(params.client_id) : undefined
  if (!client || !client.dcs.includes(dc)) {
    return { kind: 'page', code: 'invalid_client', message: 'Invalid client: no such client_id.' }
  }
  const redirectURI = params.redirect_uri ?? ''
  // Exact match against a registered URI, or Zoho refuses on its own page.
  if (!client.redirectURIs.includes(redirectURI)) {
    return {
      kind: 'page',
      code: 'invalid_redirect_uri',
      message: 'Invalid redirect URI: it does not match the URIs registered for this client.',
    }
  }
  const state = params.state
  const responseType = params.response_type
  const back = (error: string): Validation => ({
    kind: 'redirect',
    location: errorRedirect(redirectURI, responseType, error, state),
  })
  if (responseType !== 'code' && responseType !== 'token') return back('unsupported_response_type')
  // Client-based (JS) apps get implicit only; server apps never get implicit
  // (docs/zoho-behaviour.md §6.11).
  if (responseType === 'code' && client.type !== 'server') return back('unauthorized_client')
  if (responseType === 'token' && client.type !== 'client') return back('unauthorized_client')
  const scopes = parseScopes(params.scope)
  if (scopes.length === 0) return back('invalid_scope')
  let pkce: PkceChallenge | undefined
  if (params.code_challenge) {
    const method = params.code_challenge_method ?? 'plain'
    if (method !== 'S256' && method !== 'plain') return back('invalid_request')
    pkce = { challenge: params.code_challenge, method }
  }
  return {
    kind: 'ok',
    request: {
      client,
      responseType,
      redirectURI,
      scopes,
      offline: params.access_type === 'offline',
      promptConsent: params.prompt === 'consent',
      state,
      pkce,
    },
  }
}

/** The first scope naming a service (`ZohoCRM.users.READ` → `ZohoCRM`) the user has no org of. */
export function orglessScope(user: User, scopes: string[]): string | undefined {
  const orgless = user.orglessServices.map((service) => service.toLowerCase())
  return scopes.find((scope) => orgless.includes(scope.split('.')[0]?.toLowerCase() ?? ''))
}
