import { createServer, request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, portClosed } from '../../../test/support/login.js'
import { listenForCallback, type LoopbackListener } from './loopback.js'
import { page } from './page.js'
import { loopbackRedirect } from './redirect-uri.js'

let listener: LoopbackListener | undefined

afterEach(async () => {
  await listener?.close()
  listener = undefined
})

function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(0, '::1', () => server.close(() => resolve(true)))
  })
}

/** A raw request, so the Host header can be what a rebinding attacker's page would send. */
function get(
  port: number,
  path: string,
  o: { host?: string; method?: string; family?: 4 | 6 } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: o.family === 6 ? '::1' : '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        headers: { host: o.host ?? `localhost:${port}` },
      },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('listenForCallback', () => {
  it('listenForCallback answers the callback path on both stacks, nothing else, and closes the port', async () => {
    const port = await freePort()
    const seen: string[] = []
    listener = await listenForCallback({
      target: loopbackRedirect(`http://localhost:${port}/oauth/callback`),
      onCallback: async (url) => {
        seen.push(url.search)
        return { status: 200, html: 'ok' }
      },
    })
    const hit = await get(port, '/oauth/callback?code=x&state=y')
    expect(hit).toMatchObject({ status: 200, body: 'ok' })
    expect(hit.headers).toMatchObject({
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    })
    if (await ipv6Available()) {
      expect((await get(port, '/oauth/callback?v=6', { family: 6 })).status).toBe(200)
    }
    expect((await get(port, '/favicon.ico')).status).toBe(404)
    expect((await get(port, '/oauth/callback', { method: 'POST' })).status).toBe(405)
    expect(seen[0]).toBe('?code=x&state=y')
    await listener.close()
    listener = undefined
    expect(await portClosed(port)).toBe(true)
  })

  it('listenForCallback refuses a request addressed to another host name (DNS rebinding)', async () => {
    const port = await freePort()
    let called = false
    listener = await listenForCallback({
      target: loopbackRedirect(`http://127.0.0.1:${port}/cb`),
      onCallback: async () => ((called = true), { status: 200, html: 'ok' }),
    })
    const rebound = await get(port, '/cb?code=x&state=y', { host: `evil.example:${port}` })
    expect(rebound.status).toBe(421)
    expect(called).toBe(false)
  })

  it('listenForCallback waits for the page of a callback in progress before it closes', async () => {
    const port = await freePort()
    let finish!: () => void
    const slow = new Promise<void>((resolve) => (finish = resolve))
    let entered!: () => void
    const inHandler = new Promise<void>((resolve) => (entered = resolve))
    listener = await listenForCallback({
      target: loopbackRedirect(`http://127.0.0.1:${port}/cb`),
      onCallback: async () => {
        entered()
        await slow
        return { status: 200, html: 'done' }
      },
    })
    const answered = get(port, '/cb')
    await inHandler
    const closing = listener.close()
    listener = undefined
    finish()
    await closing
    expect(await answered).toMatchObject({ status: 200, body: 'done' })
  })
})

describe('page', () => {
  it('page escapes everything it shows and renders `commands` as code', () => {
    const html = page.failure({
      message: 'Bad <script>alert(1)</script> "x"',
      remedy: 'Run `zoho-auth login` again.',
    })
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
    expect(html).toContain('<code>zoho-auth login</code> again.</p>')
  })
})
