/**
 * The broker on a socket (@hono/node-server). The socket is taken first, before any store is
 * opened, so a port in use fails at once and leaves nothing half-started; requests that arrive
 * before the app is ready get a 503 that says so. Closing stops accepting, lets requests in
 * flight finish for a bounded time, then cuts what is left.
 */
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import { ZohoAuthError } from '../protocol/errors.js'

export const ERR_PORT_IN_USE = 'ERR_PORT_IN_USE'
export const ERR_LISTEN = 'ERR_LISTEN'

export interface ListeningBroker {
  /** The port bound (the one asked for, or the free one picked for 0). */
  port: number
  /** `http://127.0.0.1:3001`, as bound. */
  url: string
  /** From now on requests go to `app`. */
  serveApp(app: Hono): void
  /** Stops accepting; waits up to `drainMs` for requests in flight, then closes the rest. */
  close(drainMs: number): Promise<void>
}

const STARTING = JSON.stringify({
  error: {
    code: 'starting',
    message: 'The broker is starting',
    remedy: 'Retry in a moment.',
  },
})

export async function listenBroker(options: {
  port: number
  host: string
}): Promise<ListeningBroker> {
  const { port, host } = options
  let app: Hono | null = null
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: (request, env) =>
          app === null
            ? new Response(STARTING, {
                status: 503,
                headers: { 'content-type': 'application/json', 'retry-after': '1' },
              })
            : app.fetch(request, env),
        port,
        hostname: host,
      },
      () => resolve(s),
    )
    s.once('error', (error) => reject(listenError(error as NodeJS.ErrnoException, port, host)))
  })
  const bound = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    port: bound,
    url: `http://${shownHost}:${bound}`,
    serveApp: (next) => {
      app = next
    },
    close: (drainMs) =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections()
        }, drainMs)
        server.close(() => {
          clearTimeout(cut)
          resolve()
        })
        // Keep-alive connections with no request in flight would hold close() open.
        if ('closeIdleConnections' in server) server.closeIdleConnections()
      }),
  }
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): ZohoAuthError {
  if (error.code === 'EADDRINUSE') {
    return new ZohoAuthError(
      ERR_PORT_IN_USE,
      `Port ${port} on ${host} is already in use (another zoho-auth serve, or another program)`,
      {
        remedy: `Stop what listens there (\`lsof -i :${port}\` shows it), or pick another port with --port N or PORT=N.`,
        cause: error,
      },
    )
  }
  if (error.code === 'EACCES') {
    return new ZohoAuthError(ERR_LISTEN, `Not allowed to listen on ${host}:${port}`, {
      remedy: 'Ports below 1024 need privileges: pick a port above 1024 with --port N.',
      cause: error,
    })
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new ZohoAuthError(ERR_LISTEN, `${host} is not an address of this machine`, {
      remedy:
        'Pass --host with an address this machine has: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).',
      cause: error,
    })
  }
  return new ZohoAuthError(ERR_LISTEN, `Cannot listen on ${host}:${port}: ${error.message}`, {
    remedy: 'Check --host and --port.',
    cause: error,
  })
}
