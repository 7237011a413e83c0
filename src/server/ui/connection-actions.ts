/**
 * The connections table's actions: make default, revoke, remove (revoke first, then delete; if
 * Zoho refuses the revoke the connection is kept and the page says so, offering removal without
 * revoking), and "try it" — CurrentUser through the broker's own proxy, as an API caller would.
 */
import type { Hono } from 'hono'
import { ConnectionNotFoundError } from '../../tokens/errors.js'
import type { Connection } from '../../stores/store.js'
import type { BrokerDeps } from '../deps.js'
import { describeError } from '../errors.js'
import { action, formLimit, uiPage } from './guard.js'
import { csrfField, escapeHTML, layout, safeText } from './html.js'

function doneRedirect(kind: string, id: string): string {
  return `/?${new URLSearchParams({ done: kind, connection: id }).toString()}`
}

async function existing(deps: BrokerDeps, id: string): Promise<Connection> {
  const connection = await deps.store.get(id)
  if (connection === null) throw new ConnectionNotFoundError(id)
  return connection
}

function revokeRefusedPage(deps: BrokerDeps, id: string, error: unknown, csrf: string): string {
  const { body } = describeError(error)
  return layout({
    title: 'Zoho did not revoke the grant',
    sandboxEmulatorUrl: deps.settings.sandboxEmulatorUrl,
    nav: { current: 'connections', csrf },
    body: `<div class="card narrow notice bad"><h1 class="error">Zoho did not revoke “${escapeHTML(id)}”</h1>
<p>${safeText(body.error.message)}.</p><p><strong>What to do:</strong> ${safeText(body.error.remedy)}</p>
<p>The connection was kept, so nothing is lost. Removing it without revoking leaves the grant alive at Zoho (it keeps counting against Zoho’s 20 grants per user) until someone revokes it in Zoho’s account settings.</p>
<div class="actions"><a class="button" href="/">Back to connections</a>
<form method="post" action="/ui/connections/${escapeHTML(encodeURIComponent(id))}/remove">${csrfField(csrf)}<input type="hidden" name="without_revoke" value="yes"><button class="danger" type="submit">Remove without revoking</button></form></div></div>`,
  })
}

/** The proxy's CurrentUser answer, shown as it came (escaped and redacted). */
function tryItPage(
  deps: BrokerDeps,
  o: { id: string; status: number; text: string; csrf: string },
): string {
  let pretty = o.text
  let summary = ''
  try {
    const json = JSON.parse(o.text) as Record<string, unknown>
    pretty = JSON.stringify(json, null, 2)
    const user = Array.isArray(json.users) ? (json.users[0] as Record<string, unknown>) : undefined
    const error = json.error as { message?: unknown; remedy?: unknown } | undefined
    if (user !== undefined) {
      summary = `<p>Zoho answered as <strong>${safeText(String(user.full_name ?? user.email ?? 'a user'))}</strong>${user.email === undefined ? '' : ` (${safeText(String(user.email))})`}.</p>`
    } else if (o.status === 404 && !pretty.includes('"users"')) {
      summary = `<p class="error">The broker’s proxy did not answer this path (HTTP 404)${typeof error?.message === 'string' ? `: ${safeText(error.message)}` : ''}.</p>`
    } else if (typeof error?.message === 'string') {
      summary = `<p class="error">${safeText(error.message)}.</p>${typeof error.remedy === 'string' ? `<p><strong>What to do:</strong> ${safeText(error.remedy)}</p>` : ''}`
    }
  } catch {
    // Not JSON: shown as text below.
  }
  const path = `GET /api/v1/proxy/${encodeURIComponent(o.id)}/crm/v8/users?type=CurrentUser`
  return layout({
    title: `Try ${o.id}`,
    sandboxEmulatorUrl: deps.settings.sandboxEmulatorUrl,
    nav: { current: 'connections', csrf: o.csrf },
    body: `<div class="card"><h1>Try “${escapeHTML(o.id)}”</h1>
<p class="muted">The broker called <code>${escapeHTML(path)}</code> through its own proxy, as your backend would with an API key.</p>
<p>HTTP <strong id="try-status">${o.status}</strong></p>${summary}
<pre id="try-answer">${safeText(pretty)}</pre><p><a class="button" href="/">Back to connections</a></p></div>`,
  })
}

export function connectionActionRoutes(app: Hono, deps: BrokerDeps): void {
  const base = '/ui/connections/:id'
  app.use(`${base}/*`, formLimit(deps))
  app.post(
    `${base}/default`,
    action(deps, async ({ c }) => {
      const id = c.req.param('id') ?? ''
      await existing(deps, id)
      await deps.store.setDefaultConnection(id)
      return c.redirect(doneRedirect('default', id), 303)
    }),
  )
  app.post(
    `${base}/revoke`,
    action(deps, async ({ c }) => {
      const id = c.req.param('id') ?? ''
      await existing(deps, id)
      await deps.manager.revoke(id)
      return c.redirect(doneRedirect('revoked', id), 303)
    }),
  )
  app.post(
    `${base}/remove`,
    action(deps, async ({ c, csrf, form }) => {
      const id = c.req.param('id') ?? ''
      const connection = await existing(deps, id)
      if (form.without_revoke === 'yes') {
        await deps.manager.delete(id)
        return c.redirect(doneRedirect('forgotten', id), 303)
      }
      // Revoked earlier: Zoho holds no grant any more, so the notice must not claim a revoke now.
      if (connection.status === 'revoked') {
        await deps.manager.delete(id)
        return c.redirect(doneRedirect('removed_revoked', id), 303)
      }
      try {
        await deps.manager.revoke(id)
      } catch (error) {
        return c.html(revokeRefusedPage(deps, id, error, csrf), 502, {
          'cache-control': 'no-store',
        })
      }
      await deps.manager.delete(id)
      return c.redirect(doneRedirect('removed', id), 303)
    }),
  )
  app.post(
    `${base}/try`,
    action(deps, async ({ c, csrf }) => {
      const id = c.req.param('id') ?? ''
      await existing(deps, id)
      const answer = await app.request(
        `/api/v1/proxy/${encodeURIComponent(id)}/crm/v8/users?type=CurrentUser`,
        { headers: { authorization: `Bearer ${deps.settings.adminToken}` } },
      )
      const text = await answer.text()
      return c.html(tryItPage(deps, { id, status: answer.status, text, csrf }), 200, {
        'cache-control': 'no-store',
      })
    }),
  )
  app.all(`${base}/*`, (c) =>
    uiPage(c, deps, 404, {
      title: 'No such action',
      message: `The UI has no action ${c.req.method} ${new URL(c.req.url).pathname}`,
      remedy: 'Go back to the connections page and use its buttons',
      links: [{ href: '/', text: 'Back to connections' }],
    }),
  )
}
