import { afterEach, describe, expect, it } from 'vitest'
import { BASE, brokerHarness, PUBLIC_URL, type BrokerHarness } from '../test-support.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

describe('GET /demo/browser/', () => {
  it('GET /demo/browser/ exists only in sandbox mode', async () => {
    harness = await brokerHarness()
    expect((await harness.app.request('/demo/browser/')).status).toBe(404)
  })

  it('GET /demo/browser/ registers one client-based demo client for the page and serves it with a strict CSP', async () => {
    harness = await brokerHarness({ settings: { sandboxEmulatorUrl: BASE } })
    const first = await harness.app.request('/demo/browser/')
    expect(first.status).toBe(200)
    expect(first.headers.get('content-security-policy')).toBe(
      `default-src 'self'; connect-src 'self' ${BASE}; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'`,
    )
    const html = await first.text()
    const config = JSON.parse(
      /<script type="application\/json" id="demo-config">(.*?)<\/script>/.exec(html)?.[1] ?? '',
    ) as { clientId: string; redirectURI: string; emulatorURL: string }
    expect(config.redirectURI).toBe(`${PUBLIC_URL}/demo/browser/`)
    expect(config.emulatorURL).toBe(BASE)
    await harness.app.request('/demo/browser/')
    const { clients } = (await harness.control('clients')) as {
      clients: Array<{ client_id: string; type: string; javascript_origins?: string[] }>
    }
    const demo = clients.filter((c) => c.type === 'client')
    expect(demo.map((c) => [c.client_id, c.javascript_origins])).toEqual([
      [config.clientId, [PUBLIC_URL]],
    ])
  })

  it('GET /demo/browser/module/:file serves the built module and nothing else', async () => {
    harness = await brokerHarness({ settings: { sandboxEmulatorUrl: BASE } })
    const index = await harness.app.request('/demo/browser/module/index.js')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await index.text()).toContain('createBrokerClient')
    expect((await harness.app.request('/demo/browser/module/index.d.ts')).status).toBe(404)
    expect((await harness.app.request('/demo/browser/module/..%2Fserver.js')).status).toBe(404)
  })
})
