/**
 * `/demo/browser/`: in sandbox mode the broker serves a client-based demo app that uses
 * zoho-auth/browser (the built module from `dist/browser/`, as a user's page loads it) in both
 * modes: direct (Zoho's implicit flow against the sandbox emulator) and broker-backed (this
 * broker's `/browser/v1/`). The demo's client-based client is registered at the sandbox
 * emulator on first use, with the page as its redirect URI and the broker's origin as its
 * JavaScript domain; the emulator's demo users (one in the US, one in the EU) sign in.
 */
import { existsSync, readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import { DATA_CENTER_LOCATIONS } from '../../protocol/data-centers.js'
import type { BrokerDeps } from '../deps.js'
import { BrokerHttpError, ERR_NOT_FOUND } from '../errors.js'
import { demoPage } from './demo-page.js'
import { DEMO_SCRIPT } from './demo-script.js'

// The same from src/server/browser/ and dist/server/browser/: the package root's dist/browser/.
const MODULE_DIR = new URL('../../../dist/browser/', import.meta.url)
const MODULE_FILE = /^[a-z-]+\.js$/
export const DEMO_SCOPES = ['ZohoCRM.users.READ', 'ZohoCRM.modules.ALL']

/** Registers the demo's client-based client at the sandbox emulator; its client id. */
async function registerDemoClient(deps: BrokerDeps, emulatorUrl: string): Promise<string> {
  const response = await deps.fetch(`${emulatorUrl}/__emulator/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'client',
      redirect_uris: [`${deps.settings.publicUrl}/demo/browser/`],
      dcs: DATA_CENTER_LOCATIONS,
    }),
  })
  const body = (await response.json()) as Record<string, unknown>
  if (!response.ok || typeof body.client_id !== 'string') {
    throw new Error(`the sandbox emulator refused the demo client: ${response.status}`)
  }
  return body.client_id
}

function missingModule(): BrokerHttpError {
  return new BrokerHttpError(
    404,
    ERR_NOT_FOUND,
    'zoho-auth/browser is not built (dist/browser/ is missing)',
    'Run `npm run build` (or `npm start`, which builds first) and reload the demo.',
  )
}

/** Mounts the demo when the broker runs in sandbox mode; nothing otherwise. */
export function demoRoutes(app: Hono, deps: BrokerDeps): void {
  const emulatorUrl = deps.settings.sandboxEmulatorUrl
  if (emulatorUrl === undefined) return
  let clientId: Promise<string> | undefined
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ${new URL(emulatorUrl).origin}`,
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
  ].join('; ')

  app.get('/demo/browser', (c) => c.redirect('/demo/browser/', 301))
  app.get('/demo/browser/', async (c) => {
    clientId ??= registerDemoClient(deps, emulatorUrl).catch((error: unknown) => {
      clientId = undefined
      throw error
    })
    const config = {
      clientId: await clientId,
      redirectURI: `${deps.settings.publicUrl}/demo/browser/`,
      emulatorURL: emulatorUrl,
      scopes: DEMO_SCOPES,
    }
    return c.html(demoPage(config), 200, {
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    })
  })
  app.get('/demo/browser/app.js', (c) =>
    c.body(DEMO_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  )
  app.get('/demo/browser/module/:file', (c) => {
    const file = c.req.param('file')
    const url = new URL(file, MODULE_DIR)
    if (!MODULE_FILE.test(file) || !existsSync(url)) throw missingModule()
    return c.body(readFileSync(url, 'utf8'), 200, {
      'content-type': 'text/javascript; charset=utf-8',
    })
  })
}
