import { request } from 'node:http'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { listenBroker } from './listen.js'

/** A GET that resolves with status and body, or rejects when the connection is cut. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** An app whose `/slow` answers only when `release()` is called; `arrived` resolves on entry. */
function slowApp(): { app: Hono; arrived: Promise<void>; release: () => void } {
  let release = (): void => {}
  let arrive = (): void => {}
  const arrived = new Promise<void>((resolve) => (arrive = resolve))
  const gate = new Promise<void>((resolve) => (release = resolve))
  const app = new Hono()
  app.get('/slow', async (c) => {
    arrive()
    await gate
    return c.text('finished')
  })
  return { app, arrived, release: () => release() }
}

describe('listenBroker', () => {
  it('listenBroker answers 503 "starting" until the app is handed over', async () => {
    const listening = await listenBroker({ port: 0, host: '127.0.0.1' })
    try {
      const early = await get(`${listening.url}/healthz`)
      expect(early.status).toBe(503)
      expect(JSON.parse(early.body)).toEqual({
        error: {
          code: 'starting',
          message: 'The broker is starting',
          remedy: 'Retry in a moment.',
        },
      })
      const app = new Hono()
      app.get('/healthz', (c) => c.json({ status: 'ok' }))
      listening.serveApp(app)
      expect(await get(`${listening.url}/healthz`)).toEqual({
        status: 200,
        body: '{"status":"ok"}',
      })
    } finally {
      await listening.close(1000)
    }
  })

  it('listenBroker close lets a request in flight finish and refuses new connections', async () => {
    const listening = await listenBroker({ port: 0, host: '127.0.0.1' })
    const { app, arrived, release } = slowApp()
    listening.serveApp(app)
    const inFlight = get(`${listening.url}/slow`)
    await arrived
    let closed = false
    const closing = listening.close(30_000).then(() => (closed = true))
    // Stopped accepting at once, while the slow request is still being answered.
    await expect(get(`${listening.url}/slow`)).rejects.toThrow(/ECONNREFUSED/)
    expect(closed).toBe(false)
    release()
    expect(await inFlight).toEqual({ status: 200, body: 'finished' })
    await closing
  })

  it('listenBroker close cuts a request that outlives the drain time', async () => {
    const listening = await listenBroker({ port: 0, host: '127.0.0.1' })
    const { app, arrived, release } = slowApp()
    listening.serveApp(app)
    const inFlight = get(`${listening.url}/slow`)
    await arrived
    await listening.close(50)
    await expect(inFlight).rejects.toThrow(/socket hang up|ECONNRESET/)
    release()
  })
})
