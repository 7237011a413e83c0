/**
 * The demo app's script, served as `/demo/browser/app.js`: what a user's single-page app would
 * write on top of zoho-auth/browser, in both modes. Everything Zoho or the broker answers is put
 * on the page as text, never as HTML.
 */
export const DEMO_SCRIPT = String.raw`import { createBrokerClient, createZohoBrowserAuth } from '/demo/browser/module/index.js'

const config = JSON.parse(document.getElementById('demo-config').textContent)
const $ = (id) => document.getElementById(id)
const mode = new URLSearchParams(location.search).get('mode') === 'broker' ? 'broker' : 'direct'
$('mode-' + mode).classList.add('on')

const direct = createZohoBrowserAuth(config)
const broker = createBrokerClient({ brokerUrl: location.origin })
const tokenNotes = { available: 'refresh by redirect while Zoho’s session lives', session_ended: 'Zoho session ended: sign in again as this user', not_granted_for_session: 'no silent refresh (not granted for the session)' }

const modes = {
  direct: {
    title: 'Direct: the page holds the token',
    help: 'Zoho’s implicit flow: the token comes back in the URL fragment and lives in sessionStorage. Zoho keeps one signed-in user per browser, so signing in a second user ends the first one’s refresh.',
    start: () => direct.handleRedirect(),
    signIn: () => direct.signIn(),
    accounts: async () => direct.accounts().map((a) => ({ id: a.zuid, email: a.email, dc: a.dc, active: a.active, note: (a.tokenValid ? 'token valid · ' : 'token expired · ') + tokenNotes[a.refresh] })),
    switchTo: (id) => direct.switchAccount(id),
    fetch: (path) => direct.fetch(path),
    refresh: async () => { await direct.getToken(); const a = direct.activeAccount(); return 'Token valid until ' + new Date(a.expiresAt).toLocaleTimeString() + ' (the module refreshes 5 minutes before, by redirect)' },
    signOut: () => direct.signOut(undefined, { revoke: true }),
  },
  broker: {
    title: 'Broker-backed: the broker keeps every account alive',
    help: 'Each account signs in once through the broker, which keeps its refresh token; the page gets short-lived tokens for the account it selects. Switching never needs another Zoho sign-in.',
    start: async () => broker.handleRedirect(),
    signIn: () => broker.signIn({ returnTo: location.origin + '/demo/browser/?mode=broker' }),
    accounts: async () => (await broker.accounts()).map((a) => ({ id: a.id, email: a.email ?? a.id, dc: a.dc, active: a.active, note: 'broker connection · ' + a.status })),
    switchTo: (id) => broker.switchTo(id),
    fetch: (path) => broker.fetch(path),
    refresh: async () => { const first = await broker.getToken(); const fresh = await broker.getToken(first.token); return 'The broker minted a new token (' + (fresh.token === first.token ? 'unchanged' : 'changed') + ') for ' + fresh.apiDomain },
    signOut: () => broker.signOut(),
  },
}
const m = modes[mode]
$('mode-title').textContent = m.title
$('mode-help').textContent = m.help

function showError(error) {
  const box = $('error')
  box.textContent = ''
  if (!error) return box.classList.remove('on')
  const strong = document.createElement('strong')
  strong.textContent = (error.reason ?? 'error') + ': '
  box.append(strong, error.message + (error.remedy ? ' — ' + error.remedy : ''))
  box.classList.add('on')
}

async function render() {
  let list = []
  try { list = await m.accounts() } catch (error) { showError(error) }
  if (mode === 'broker' && list.length > 0 && !list.some((a) => a.active)) { m.switchTo(list[0].id); list[0].active = true }
  const active = list.find((a) => a.active)
  $('who').textContent = active ? active.email : 'nobody'
  $('dc').hidden = !active
  $('dc').textContent = active ? active.dc.toUpperCase() : ''
  $('signin').textContent = active ? 'Add another account' : 'Sign in with Zoho'
  for (const id of ['call', 'refresh', 'signout']) $(id).disabled = !active
  const ul = $('accounts')
  ul.textContent = ''
  for (const a of list) {
    const li = document.createElement('li')
    li.dataset.email = a.email
    if (a.active) li.className = 'active'
    const text = document.createElement('span')
    const email = document.createElement('span')
    email.className = 'email'
    email.textContent = a.email + ' '
    const dc = document.createElement('span')
    dc.className = 'dc'
    dc.textContent = a.dc.toUpperCase()
    const note = document.createElement('span')
    note.className = 'note'
    note.textContent = a.note
    text.append(email, dc, note)
    li.append(text)
    if (!a.active) {
      const button = document.createElement('button')
      button.className = 'ghost switch'
      button.textContent = 'Switch'
      button.onclick = () => run(async () => { m.switchTo(a.id); return 'Switched to ' + a.email })
      li.append(button)
    }
    ul.append(li)
  }
}

async function run(action) {
  showError(undefined)
  try {
    const text = await action()
    if (text !== undefined) $('result').textContent = text
  } catch (error) {
    showError(error)
  }
  await render()
}

$('signin').onclick = () => run(() => m.signIn())
$('call').onclick = () => run(async () => {
  const response = await m.fetch('/crm/v8/users?type=CurrentUser')
  const body = await response.json()
  const user = body.users?.[0]
  window.lastCurrentUser = user ?? null
  return 'GET /crm/v8/users?type=CurrentUser → ' + response.status + '\n' + JSON.stringify(user ? { full_name: user.full_name, email: user.email, id: user.id } : body, null, 2)
})
$('refresh').onclick = () => run(m.refresh)
$('signout').onclick = () => run(async () => { await m.signOut(); return 'Signed out (and revoked)' })

window.demoReady = (async () => {
  try {
    const outcome = await m.start()
    if (outcome && outcome.type === 'error') showError(outcome.error)
  } catch (error) {
    showError(error)
  }
  await render()
  return mode
})()
`
