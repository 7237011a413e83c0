/**
 * Signing in with the admin token (`GET/POST /sign-in`) and out (`POST /sign-out`). The token is
 * itself the proof on sign-in, so that form carries no CSRF token; instead a cross-site form
 * (an `Origin` that is neither this broker's public URL nor the host the request came to) is
 * refused, so no other site can sign a browser in behind its owner's back.
 */
import type { Context, Hono } from 'hono'
import { isAdminToken } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { action, formLimit, uiPage } from './guard.js'
import { escapeHTML, layout } from './html.js'
import { endSession, readSession, startSession } from './session.js'

function signInPage(deps: BrokerDeps, problem?: string): string {
  const sandbox =
    deps.settings.sandboxEmulatorUrl === undefined
      ? ''
      : '<p class="muted small">In sandbox mode the admin token is printed in the terminal that ran <code>npm start</code>.</p>'
  return layout({
    title: 'Sign in',
    sandboxEmulatorUrl: deps.settings.sandboxEmulatorUrl,
    body: `<div class="card narrow"><h1>Sign in to the broker</h1>
<p class="muted">Use the admin token: <code>ZOHO_AUTH_ADMIN_TOKEN</code>, or the one the broker printed when it first started.</p>
${problem === undefined ? '' : `<p class="error" role="alert">${escapeHTML(problem)}</p>`}
<form method="post" action="/sign-in"><label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<p><button class="primary" type="submit">Sign in</button></p></form>${sandbox}</div>`,
  })
}

function sameSite(c: Context, deps: BrokerDeps): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined || origin === 'null') return origin === undefined
  return origin === new URL(deps.settings.publicUrl).origin || origin === new URL(c.req.url).origin
}

async function signIn(c: Context, deps: BrokerDeps): Promise<Response> {
  if (!sameSite(c, deps)) {
    return uiPage(c, deps, 403, {
      title: 'Sign in from the broker’s own page',
      message: 'This sign-in was sent from another site',
      remedy: `Open ${deps.settings.publicUrl}/sign-in and sign in there`,
    })
  }
  let token = ''
  try {
    const body = await c.req.parseBody()
    token = typeof body.token === 'string' ? body.token.trim() : ''
  } catch {
    token = ''
  }
  if (token === '' || !isAdminToken(deps, token)) {
    const problem =
      token === ''
        ? 'Enter the admin token.'
        : 'That is not the admin token. Check ZOHO_AUTH_ADMIN_TOKEN (API keys do not sign in to the UI).'
    return c.html(signInPage(deps, problem), 401, { 'cache-control': 'no-store' })
  }
  startSession(c, deps)
  deps.logger.info({ msg: 'ui sign-in' })
  return c.redirect('/', 303)
}

export function signInRoutes(app: Hono, deps: BrokerDeps): void {
  app.get('/sign-in', (c) => {
    if (readSession(c, deps) !== null) return c.redirect('/', 302)
    return c.html(signInPage(deps), 200, { 'cache-control': 'no-store' })
  })
  app.post('/sign-in', formLimit(deps), (c) => signIn(c, deps))
  app.post(
    '/sign-out',
    formLimit(deps),
    action(deps, ({ c }) => {
      endSession(c, deps)
      return c.redirect('/sign-in', 303)
    }),
  )
}
