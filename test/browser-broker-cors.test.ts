/**
 * The broker-backed client on an app of its own origin, in headless Chromium: an allowlisted
 * origin signs in through the broker and reads its accounts and tokens with credentialed CORS;
 * the same page on an origin not on the allowlist cannot read anything.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshot } from './support/browser-chromium.js'
import { ADA, WAIT } from './support/browser-fixture.js'
import { startBrokerServer, type RunningBroker } from './support/broker-server.js'

const DIST = fileURLToPath(new URL('../dist/browser/', import.meta.url))

let browser: Browser
let broker: RunningBroker
let app: Server
let port = 0
let brokerUrl = ''

function page(): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Other-origin app</title></head>
<body><h1>An app on its own origin</h1><p id="who">nobody</p>
<script type="module">
import { createBrokerClient } from '/dist/browser/index.js'
const zoho = createBrokerClient({ brokerUrl: ${JSON.stringify(brokerUrl)} })
window.zoho = zoho
window.ready = (async () => {
  zoho.handleRedirect()
  try {
    const accounts = await zoho.accounts()
    document.getElementById('who').textContent = accounts.map((a) => a.email + ' (' + a.dc + ')').join(', ') || 'nobody'
    return { accounts: accounts.map((a) => ({ email: a.email, active: a.active })) }
  } catch (error) {
    return { error: error.name + ': ' + error.message }
  }
})()
</script></body></html>`
}

beforeAll(async () => {
  app = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const module = /^\/dist\/browser\/([a-z-]+\.js)$/.exec(path)
    if (module?.[1] && existsSync(`${DIST}${module[1]}`)) {
      response.writeHead(200, { 'content-type': 'text/javascript' })
      response.end(readFileSync(`${DIST}${module[1]}`))
    } else if (path === '/app') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(page())
    } else {
      response.writeHead(404).end('not found')
    }
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  port = (app.address() as AddressInfo).port
  broker = await startBrokerServer({
    settings: { returnToOrigins: [`http://127.0.0.1:${port}`] },
  })
  brokerUrl = broker.url
  // CRM answers CORS for a client-based client's JavaScript domain: register the app's.
  await fetch(`${broker.emulator.url}/__emulator/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'client', redirect_uris: [`http://127.0.0.1:${port}/app`] }),
  })
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await broker?.close()
  await new Promise<void>((resolve) => {
    app?.close(() => resolve())
    app?.closeAllConnections()
  })
})

describe('createBrokerClient across origins (Chromium)', { timeout: 60_000 }, () => {
  it('createBrokerClient on an allowlisted origin signs in through the broker and calls CRM; a refused origin reads nothing', async () => {
    const context = await browser.newContext()
    context.setDefaultTimeout(WAIT)
    try {
      const tab = await context.newPage()
      await tab.goto(`http://127.0.0.1:${port}/app`)
      expect(await tab.evaluate(() => (window as unknown as { ready: unknown }).ready)).toEqual({
        accounts: [],
      })
      await tab.evaluate(() => {
        void (window as unknown as { zoho: { signIn(): unknown } }).zoho.signIn()
      })
      await tab.waitForSelector('#email')
      await tab.selectOption('#email', ADA)
      await tab.click('button[value="accept"]')
      await tab.waitForURL(`http://127.0.0.1:${port}/app`)
      expect(await tab.evaluate(() => (window as unknown as { ready: unknown }).ready)).toEqual({
        accounts: [{ email: ADA, active: true }],
      })
      const me = await tab.evaluate(async () => {
        const zoho = (window as unknown as { zoho: { fetch(p: string): Promise<Response> } }).zoho
        const response = await zoho.fetch('/crm/v8/users?type=CurrentUser')
        return ((await response.json()) as { users: Array<{ email: string }> }).users[0]?.email
      })
      expect(me).toBe(ADA)
      await screenshot(tab, 'browser-broker-cross-origin')

      // The same app on an origin the broker does not list: the browser hides every answer.
      const refused = await context.newPage()
      await refused.goto(`http://localhost:${port}/app`)
      expect(await refused.evaluate(() => (window as unknown as { ready: unknown }).ready)).toEqual(
        { error: 'TypeError: Failed to fetch' },
      )
    } finally {
      await context.close()
    }
  })
})
