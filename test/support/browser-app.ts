/**
 * A tiny single-page app for the Chromium tests: a real HTTP server that serves the built module
 * (`dist/browser/*.js`, as a user's `<script type="module">` would load it) and one app page at
 * every `/app/*` path (the redirect URI is one of them), configured per test.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

const DIST = fileURLToPath(new URL('../../dist/browser/', import.meta.url))

/** What the app page passes to `createZohoBrowserAuth` (plus the test's own knobs). */
export interface AppConfig {
  clientId: string
  emulatorURL: string
  scopes: string[]
  storage?: 'session' | 'local'
  refreshBy?: 'redirect' | 'popup'
  maxTokensPerWindow?: number
  tokenWindowSeconds?: number
  /** The sign-in button opens a popup instead of leaving the page. */
  popup?: boolean
  dc?: string
}

export interface BrowserApp {
  /** `http://127.0.0.1:<port>`. */
  origin: string
  /** The registered redirect URI: `{origin}/app/callback`. */
  redirectURI: string
  configure(config: AppConfig): void
  close(): Promise<void>
}

function page(config: AppConfig, redirectURI: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test app</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}li.active{font-weight:bold}</style></head>
<body>
<h1>Test app (client-based)</h1>
<p>Signed in: <span id="who">nobody</span></p>
<p>Last outcome: <span id="outcome">none</span></p>
<ul id="accounts"></ul>
<button id="signin">Sign in with Zoho</button>
<script type="module">
import { createZohoBrowserAuth } from '/dist/browser/index.js'
const config = ${JSON.stringify({ ...config, redirectURI })}
// The test moves this page's clock by writing test:skew (ms) into localStorage.
const now = () => Date.now() + Number(localStorage.getItem('test:skew') ?? 0)
const auth = createZohoBrowserAuth({ ...config, now })
window.auth = auth
window.render = () => {
  const active = auth.activeAccount()
  document.getElementById('who').textContent = active ? active.email + ' (' + active.dc + ')' : 'nobody'
  document.getElementById('accounts').innerHTML = auth.accounts().map((a) =>
    '<li class="' + (a.active ? 'active' : '') + '">' + a.email + ' · ' + a.dc + ' · refresh: ' + a.refresh + '</li>').join('')
}
document.getElementById('signin').onclick = () => auth.signIn({ popup: config.popup === true })
window.appReady = auth.handleRedirect().then((outcome) => {
  window.outcome = outcome === undefined ? null
    : outcome.type === 'error' ? { type: 'error', reason: outcome.error.reason, message: outcome.error.message, remedy: outcome.error.remedy, returnTo: outcome.returnTo }
    : outcome
  document.getElementById('outcome').textContent = outcome ? outcome.type + (outcome.error ? ': ' + outcome.error.reason : '') : 'none'
  window.render()
  return window.outcome
})
</script>
</body></html>
`
}

/** Starts the app on a free loopback port. */
export async function startBrowserApp(): Promise<BrowserApp> {
  if (!existsSync(`${DIST}index.js`)) {
    throw new Error(
      'dist/browser/ is missing: run `npx tsc -p tsconfig.build.json` (npm test does it)',
    )
  }
  let config: AppConfig | undefined
  let redirectURI = ''
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const module = /^\/dist\/browser\/([a-z-]+\.js)$/.exec(path)
    if (module?.[1] && existsSync(`${DIST}${module[1]}`)) {
      response.writeHead(200, { 'content-type': 'text/javascript' })
      response.end(readFileSync(`${DIST}${module[1]}`))
    } else if (path.startsWith('/app/') && config) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(page(config, redirectURI))
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' })
      response.end('not found')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  redirectURI = `${origin}/app/callback`
  return {
    origin,
    redirectURI,
    configure(next) {
      config = next
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
