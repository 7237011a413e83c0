/**
 * The broker-backed mode of zoho-auth/browser (docs/browser.md): routes under `/browser/v1/`
 * for pages on allowlisted origins. The broker keeps each account's refresh token; the page
 * gets short-lived access tokens, only for the accounts its own browser session connected.
 *
 * - `GET  /browser/v1/connect?return_to=…[&dc=…][&scopes=…]` sign an account in (a navigation)
 * - `GET  /browser/v1/accounts` this browser's accounts
 * - `POST /browser/v1/accounts/:id/token` `{access_token, api_domain, expires_at, expires_in}`;
 *   a body `{"rejected": "<token>"}` says the API refused that token (one refresh for all)
 * - `DELETE /browser/v1/accounts/:id` revoke at Zoho and forget
 */
import type { Hono } from 'hono'
import { limitBody, onlyFields, optionalString, readJsonObject } from '../api/body.js'
import { deleteConnection } from '../api/delete-connection.js'
import type { BrokerDeps } from '../deps.js'
import { noFraming } from '../ui/guard.js'
import { listBrowserAccounts, ownedConnection } from './accounts.js'
import { startBrowserConnect } from './connect.js'
import { demoRoutes } from './demo.js'
import { browserCors, requireBrowserHeader } from './cors.js'
import { readBrowserSession } from './session.js'

/** Mounts `/browser/v1/*` on `app`. */
export function browserRoutes(app: Hono, deps: BrokerDeps): void {
  app.use('/browser/v1/*', browserCors(deps.settings))
  app.use('/browser/v1/connect', noFraming())
  app.get('/browser/v1/connect', (c) => startBrowserConnect(c, deps))
  app.use('/browser/v1/accounts', requireBrowserHeader())
  app.use('/browser/v1/accounts/*', requireBrowserHeader())

  app.get('/browser/v1/accounts', async (c) => {
    c.header('cache-control', 'no-store')
    return c.json({ accounts: await listBrowserAccounts(deps, readBrowserSession(c, deps)) })
  })

  app.post('/browser/v1/accounts/:id/token', limitBody(deps), async (c) => {
    const connection = await ownedConnection(deps, readBrowserSession(c, deps), c.req.param('id'))
    const body = await readJsonObject(c, { emptyIsObject: true })
    onlyFields(body, ['rejected'])
    const rejected = optionalString(body, 'rejected')
    const token =
      rejected === undefined
        ? await deps.manager.getToken(connection.id)
        : await deps.manager.invalidate(connection.id, rejected)
    c.header('cache-control', 'no-store')
    return c.json({
      access_token: token.accessToken,
      api_domain: token.apiDomain,
      expires_at: new Date(token.expiresAt).toISOString(),
      expires_in: Math.max(0, Math.floor((token.expiresAt - deps.now()) / 1000)),
    })
  })

  app.delete('/browser/v1/accounts/:id', async (c) => {
    const connection = await ownedConnection(deps, readBrowserSession(c, deps), c.req.param('id'))
    return c.json(await deleteConnection(deps, connection.id, { force: false }))
  })
  demoRoutes(app, deps)
}
