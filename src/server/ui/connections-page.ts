/**
 * `GET /`: the connections table (who, where, scopes, status, token expiry, last refresh, last
 * error, quota left) with each connection's actions, and the form that connects a new account.
 * Every value is escaped; no token or secret is ever on the page.
 */
import type { BrokerDeps } from '../deps.js'
import { ago, expiresIn, type ConnectionRow } from './connection-rows.js'
import { csrfField, escapeHTML, layout, safeText } from './html.js'

// Where each Zoho data centre is, for people choosing one.
const DC_NAMES: Record<string, string> = {
  us: 'United States',
  eu: 'Europe',
  in: 'India',
  au: 'Australia',
  jp: 'Japan',
  ca: 'Canada',
  sa: 'Saudi Arabia',
  uk: 'United Kingdom',
  cn: 'China',
}

/** What an action that redirected back to `/` did, by `?done=`: known words only. */
const NOTICES: Record<string, (id: string) => string> = {
  default: (id) => `“${id}” is now the default connection.`,
  revoked: (id) => `“${id}” was revoked at Zoho; it stays listed until you remove it.`,
  removed: (id) => `“${id}” was revoked at Zoho and removed.`,
  removed_revoked: (id) => `“${id}” was removed (it had been revoked at Zoho already).`,
  forgotten: (id) => `“${id}” was removed without revoking it at Zoho.`,
}

function actionButton(o: {
  path: string
  csrf: string
  label: string
  kind?: 'danger' | 'primary'
  confirm?: string
}): string {
  const confirm =
    o.confirm === undefined
      ? ''
      : ` onsubmit="return confirm(${escapeHTML(JSON.stringify(o.confirm))})"`
  return `<form method="post" action="${escapeHTML(o.path)}"${confirm}>${csrfField(o.csrf)}<button type="submit"${o.kind === undefined ? '' : ` class="${o.kind}"`}>${escapeHTML(o.label)}</button></form>`
}

/**
 * The `/connect` link that connects `id` again in its DC with its scopes. It carries the
 * session's CSRF token: a cookie alone does not start a connect flow (src/server/connect/start.ts).
 */
export function reconnectHref(row: ConnectionRow, csrf: string): string {
  const query = new URLSearchParams({ connection: row.connection.id, dc: row.connection.dc })
  if (row.connection.scopes.length > 0) query.set('scopes', row.connection.scopes.join(','))
  query.set('_csrf', csrf)
  return `/connect?${query.toString()}`
}

function rowHTML(row: ConnectionRow, csrf: string, now: number): string {
  const c = row.connection
  const base = `/ui/connections/${encodeURIComponent(c.id)}`
  const user = c.email ?? (c.zuid === null ? '—' : `user ${c.zuid}`)
  const lastRefresh =
    row.lastMintAt === null
      ? '<span class="muted">over 10 min ago</span>'
      : ago(Math.round((now - row.lastMintAt) / 1000))
  const needsReauth = c.status !== 'active'
  const actions = [
    c.status === 'active' ? actionButton({ path: `${base}/try`, csrf, label: 'Try it' }) : '',
    `<a class="button${needsReauth ? ' primary' : ''}" href="${escapeHTML(reconnectHref(row, csrf))}">Reconnect</a>`,
    // A revoked grant serves no token; making it the default would only move the error.
    row.isDefault || c.status === 'revoked'
      ? ''
      : actionButton({ path: `${base}/default`, csrf, label: 'Make default' }),
    c.status === 'revoked'
      ? ''
      : actionButton({
          path: `${base}/revoke`,
          csrf,
          label: 'Revoke',
          kind: 'danger',
          confirm: `Revoke “${c.id}” at Zoho? Its tokens stop working at once.`,
        }),
    actionButton({
      path: `${base}/remove`,
      csrf,
      label: 'Remove',
      kind: 'danger',
      confirm: `Revoke “${c.id}” at Zoho and remove it from the broker?`,
    }),
  ].join('')
  return `<tr data-connection="${escapeHTML(c.id)}">
<td><strong>${escapeHTML(c.id)}</strong>${row.isDefault ? ' <span class="badge default">default</span>' : ''}</td>
<td>${escapeHTML(user)}</td>
<td>${escapeHTML(c.dc.toUpperCase())}</td>
<td class="small">${c.scopes.map((s) => `<code>${escapeHTML(s)}</code>`).join(' ') || '—'}</td>
<td><span class="badge ${escapeHTML(c.status)}">${escapeHTML(c.status.replace('_', ' '))}</span></td>
<td class="nowrap">${c.status === 'active' ? escapeHTML(expiresIn(c.accessTokenExpiresAt, now)) : '—'}</td>
<td class="nowrap">${lastRefresh}</td>
<td class="small${c.lastError === null ? ' muted' : ' error'}">${c.lastError === null ? '—' : safeText(c.lastError)}</td>
<td class="nowrap" title="Access-token mints Zoho allows per refresh token in 10 minutes">${row.mintsLeft} of ${row.mintsPerWindow}</td>
<td><div class="actions">${actions}</div></td></tr>`
}

function connectForm(deps: BrokerDeps, csrf: string): string {
  const options = deps.dataCenters.dataCenters
    .map(
      (dc) =>
        `<option value="${escapeHTML(dc.location)}"${dc.location === deps.settings.defaultDc ? ' selected' : ''}>${escapeHTML(dc.location.toUpperCase())} — ${escapeHTML(DC_NAMES[dc.location] ?? dc.location)}</option>`,
    )
    .join('')
  return `<div class="card"><h2>Connect an account</h2>
<p class="muted small">Opens Zoho’s consent page. Connecting a name that exists replaces its grant (that is how a connection that needs re-authorisation is repaired).</p>
<form method="get" action="/connect" class="row">${csrfField(csrf)}
<div><label for="connection">Connection name</label><input id="connection" name="connection" required placeholder="tenant-42" maxlength="128"></div>
<div><label for="dc">Data centre</label><select id="dc" name="dc">${options}</select></div>
<div style="flex:2"><label for="scopes">Scopes</label><input id="scopes" name="scopes" value="${escapeHTML(deps.settings.defaultScopes.join(','))}"></div>
<div style="flex:0"><button class="primary" type="submit">Connect</button></div></form></div>`
}

/** The whole dashboard. */
export function connectionsPage(o: {
  deps: BrokerDeps
  rows: ConnectionRow[]
  csrf: string
  now: number
  done?: { kind: string; connection: string } | undefined
}): string {
  const notice = o.done === undefined ? undefined : NOTICES[o.done.kind]?.(o.done.connection)
  const table =
    o.rows.length === 0
      ? '<p class="muted">No connections yet. Connect a Zoho account below, or create one with <code>POST /api/v1/connections</code>.</p>'
      : `<div class="scroll"><table><thead><tr><th>Connection</th><th>Zoho user</th><th>DC</th><th>Scopes</th><th>Status</th><th>Token expires in</th><th>Last refresh</th><th>Last error</th><th>Zoho quota left</th><th></th></tr></thead>
<tbody>${o.rows.map((row) => rowHTML(row, o.csrf, o.now)).join('')}</tbody></table></div>`
  return layout({
    title: 'Connections',
    sandboxEmulatorUrl: o.deps.settings.sandboxEmulatorUrl,
    nav: { current: 'connections', csrf: o.csrf },
    body: `${notice === undefined ? '' : `<div class="card notice" role="status">${escapeHTML(notice)}</div>`}
<div class="card"><h1>Connections</h1>${table}</div>${connectForm(o.deps, o.csrf)}`,
  })
}
