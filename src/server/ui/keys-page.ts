/**
 * `/ui/keys`: the broker's API keys. A new key is shown once, on the page that created it (not
 * cached, never in a URL); afterwards only its prefix. Deleting a key stops it at once on every
 * instance (keys are looked up by hash in the shared store).
 */
import type { Hono } from 'hono'
import { createApiKey } from '../api-keys.js'
import type { ApiKeyRecord } from '../../stores/store.js'
import type { BrokerDeps } from '../deps.js'
import { ago } from './connection-rows.js'
import { action, formLimit, page, uiPage } from './guard.js'
import { csrfField, escapeHTML, hasControlCharacter, layout } from './html.js'

const MAX_NAME = 100

function keysPage(o: {
  deps: BrokerDeps
  keys: ApiKeyRecord[]
  csrf: string
  created?: { key: string; name: string }
  notice?: string
}): string {
  const now = o.deps.now()
  const rows = o.keys
    .map(
      (
        key,
      ) => `<tr data-key="${escapeHTML(key.id)}"><td><strong>${escapeHTML(key.name)}</strong></td>
<td><code>${escapeHTML(key.prefix)}…</code></td>
<td>${escapeHTML(ago(Math.round((now - key.createdAt) / 1000)))}</td>
<td>${key.lastUsedAt === null ? '<span class="muted">never</span>' : escapeHTML(ago(Math.round((now - key.lastUsedAt) / 1000)))}</td>
<td><form method="post" action="/ui/keys/${escapeHTML(encodeURIComponent(key.id))}/delete" onsubmit="return confirm(${escapeHTML(JSON.stringify(`Delete the key “${key.name}”? Callers using it are refused at once.`))})">${csrfField(o.csrf)}<button class="danger" type="submit">Delete</button></form></td></tr>`,
    )
    .join('')
  const created =
    o.created === undefined
      ? ''
      : `<div class="card notice" role="status"><h2>Key “${escapeHTML(o.created.name)}” created</h2>
<p>Copy it now: it is shown only this once. The broker keeps only its hash.</p>
<code class="secret" id="new-key">${escapeHTML(o.created.key)}</code>
<p><button type="button" onclick="navigator.clipboard.writeText(document.getElementById('new-key').textContent).then(()=>{this.textContent='Copied'})">Copy</button></p>
<p class="muted small">Send it as <code>Authorization: Bearer &lt;key&gt;</code> to <code>/api/v1</code>.</p></div>`
  const notice =
    o.notice === undefined
      ? ''
      : `<div class="card notice" role="status">${escapeHTML(o.notice)}</div>`
  return layout({
    title: 'API keys',
    sandboxEmulatorUrl: o.deps.settings.sandboxEmulatorUrl,
    nav: { current: 'keys', csrf: o.csrf },
    body: `${created}${notice}<div class="card"><h1>API keys</h1>
<p class="muted">Your backends call the broker’s API (tokens, proxy, connect links) with these keys.</p>
${o.keys.length === 0 ? '<p class="muted">No API keys yet.</p>' : `<table><thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>${rows}</tbody></table>`}</div>
<div class="card"><h2>Create a key</h2><form method="post" action="/ui/keys" class="row">${csrfField(o.csrf)}
<div><label for="name">Name</label><input id="name" name="name" required maxlength="${MAX_NAME}" placeholder="billing-backend"></div>
<div style="flex:0"><button class="primary" type="submit">Create key</button></div></form></div>`,
  })
}

export function keyRoutes(app: Hono, deps: BrokerDeps): void {
  app.get(
    '/ui/keys',
    page(deps, async ({ c, csrf }) => {
      const keys = await deps.store.listApiKeys()
      const notice = c.req.query('done') === 'deleted' ? 'The key was deleted.' : undefined
      return c.html(keysPage({ deps, keys, csrf, ...(notice ? { notice } : {}) }), 200, {
        'cache-control': 'no-store',
      })
    }),
  )
  app.use('/ui/keys/*', formLimit(deps))
  app.post(
    '/ui/keys',
    formLimit(deps),
    action(deps, async ({ c, csrf, form }) => {
      const name = (form.name ?? '').trim()
      if (name === '' || name.length > MAX_NAME || hasControlCharacter(name)) {
        return uiPage(c, deps, 400, {
          title: 'The key needs a name',
          message: `A key’s name is 1 to ${MAX_NAME} printable characters, so you can tell keys apart`,
          remedy: 'Go back and name the key after the backend that will use it',
          links: [{ href: '/ui/keys', text: 'Back to API keys' }],
        })
      }
      const { key } = await createApiKey(deps.store, name, deps.now())
      deps.logger.info({ msg: 'api key created', name })
      const keys = await deps.store.listApiKeys()
      return c.html(keysPage({ deps, keys, csrf, created: { key, name } }), 201, {
        'cache-control': 'no-store',
      })
    }),
  )
  app.post(
    '/ui/keys/:id/delete',
    action(deps, async ({ c }) => {
      const id = c.req.param('id') ?? ''
      if (!(await deps.store.deleteApiKey(id))) {
        return uiPage(c, deps, 404, {
          title: 'No such key',
          message: 'That API key does not exist (it may have been deleted already)',
          remedy: 'Go back to the API keys page; it lists the keys that exist',
          links: [{ href: '/ui/keys', text: 'Back to API keys' }],
        })
      }
      return c.redirect('/ui/keys?done=deleted', 303)
    }),
  )
}
