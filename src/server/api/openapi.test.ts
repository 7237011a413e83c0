import { inspectRoutes } from 'hono/dev'
import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, PUBLIC_URL, type BrokerHarness } from '../test-support.js'
import { OPENAPI_DOCUMENT } from './openapi-document.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

const PROXY_PATH = '/api/v1/proxy/{id}/{path}'
// What Hono's `all()` answers, as OpenAPI methods.
const ANY_METHOD = ['delete', 'get', 'patch', 'post', 'put']

/** `/api/v1/connections/:id` → `/api/v1/connections/{id}`; the proxy's wildcard → `{path}`. */
function openApiPath(honoPath: string): string {
  if (honoPath.startsWith('/api/v1/proxy/')) return PROXY_PATH
  return honoPath.replace(/:([A-Za-z_]+)/g, '{$1}')
}

/** Every (path, method) the app answers under /api/v1 with a handler (not middleware). */
function registered(app: BrokerHarness['app']): string[] {
  const pairs = inspectRoutes(app)
    .filter((route) => !route.isMiddleware && route.path.startsWith('/api/v1/'))
    .flatMap((route) => {
      const path = openApiPath(route.path)
      const methods = route.method === 'ALL' ? ANY_METHOD : [route.method.toLowerCase()]
      return methods.map((method) => `${method} ${path}`)
    })
  return [...new Set(pairs)].sort()
}

function documented(): string[] {
  return Object.entries(OPENAPI_DOCUMENT.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort()
}

describe('GET /api/v1/openapi.json', () => {
  it('is public, OpenAPI 3.1, with the bearer scheme and the error schema', async () => {
    harness = await brokerHarness()
    const response = await harness.request('/api/v1/openapi.json', {
      headers: { authorization: '' },
    })
    expect(response.status).toBe(200)
    const document = (await response.json()) as typeof OPENAPI_DOCUMENT & {
      servers: Array<{ url: string }>
    }
    expect(document.openapi).toBe('3.1.0')
    expect(document.servers).toEqual([{ url: PUBLIC_URL }])
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    })
    expect(document.components.schemas.Error.properties.error.required).toEqual([
      'code',
      'message',
      'remedy',
    ])
  })

  it('documents exactly the routes the app registers under /api/v1 (no proxy yet: see below)', async () => {
    harness = await brokerHarness()
    const inApp = registered(harness.app).filter((pair) => !pair.endsWith(PROXY_PATH))
    const inDocument = documented().filter((pair) => !pair.endsWith(PROXY_PATH))
    expect(inApp).toEqual(inDocument)
  })

  it('every documented $ref names a schema of the document', () => {
    const refs = [...JSON.stringify(OPENAPI_DOCUMENT).matchAll(/"#\/components\/schemas\/(\w+)"/g)]
    expect(refs.length).toBeGreaterThan(10)
    for (const [, name] of refs) {
      expect(Object.keys(OPENAPI_DOCUMENT.components.schemas)).toContain(name)
    }
  })

  it('documents the proxy for every method, as the routes under /api/v1/proxy register it', async () => {
    harness = await brokerHarness()
    const proxyDocumented = documented().filter((pair) => pair.endsWith(PROXY_PATH))
    expect(proxyDocumented).toEqual(ANY_METHOD.map((method) => `${method} ${PROXY_PATH}`))
    const proxyInApp = registered(harness.app).filter((pair) => pair.endsWith(PROXY_PATH))
    // The proxy lands from its own branch (src/server/proxy): until then its sub-app registers
    // nothing; from then on it must answer every documented method, and nothing else.
    for (const pair of proxyInApp) expect(proxyDocumented).toContain(pair)
    if (proxyInApp.length > 0) expect(proxyInApp).toEqual(proxyDocumented)
  })
})
