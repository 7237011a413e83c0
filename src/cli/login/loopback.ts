/**
 * The loopback listener Zoho's redirect lands on: a tiny HTTP server on the redirect URI's port,
 * answering only its path, and only to requests addressed to a loopback host (a page on another
 * site that rebinds its DNS name to 127.0.0.1 gets nothing).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isLoopbackHost } from '../../protocol/http.js'
import { ERR_LOGIN_PORT_IN_USE, ERR_LOGIN_REDIRECT_URI, LoginError } from './errors.js'
import { page } from './page.js'
import type { LoopbackRedirect } from './redirect-uri.js'

/** What the browser is shown for a request to the callback path. */
export interface CallbackAnswer {
  status: number
  html: string
}

export interface LoopbackListener {
  close(): Promise<void>
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The callback URL carries the code: never cache it, never send it on as a Referer.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  connection: 'close',
}

function send(res: ServerResponse, answer: CallbackAnswer): Promise<void> {
  return new Promise((resolve) => {
    res.once('close', resolve)
    res.writeHead(answer.status, HEADERS).end(answer.html, resolve)
  })
}

function hostOf(req: IncomingMessage): string {
  try {
    return new URL(`http://${req.headers.host ?? ''}`).hostname
  } catch {
    return ''
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function listenError(error: unknown, target: LoopbackRedirect): LoginError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE') {
    return new LoginError(
      ERR_LOGIN_PORT_IN_USE,
      `Port ${target.port} (from the redirect URI ${target.redirectURI}) is in use by another program`,
      {
        remedy: `Stop what listens on port ${target.port} (another \`zoho-auth login\`, \`zoho-auth serve\` or a dev server), or register http://localhost:PORT${target.path} with another free port for your client in the Zoho API console and set ZOHO_REDIRECT_URI to it.`,
        cause: error,
      },
    )
  }
  return new LoginError(
    ERR_LOGIN_REDIRECT_URI,
    `Cannot listen on port ${target.port} for the redirect URI ${target.redirectURI} (${code ?? 'error'})`,
    {
      remedy:
        code === 'EACCES'
          ? 'Ports below 1024 need administrator rights: register a redirect URI with a port above 1024 (the default is http://localhost:3001/oauth/callback) and set ZOHO_REDIRECT_URI to it.'
          : 'Check ZOHO_REDIRECT_URI, or run `zoho-auth login --device` instead.',
      cause: error,
    },
  )
}

async function close(servers: Server[], answering: Set<Promise<void>>): Promise<void> {
  const closed = servers.map(
    (server) => new Promise<void>((resolve) => server.close(() => resolve())),
  )
  // The page for the callback that completed the login must reach the browser before we go.
  await Promise.allSettled([...answering])
  for (const server of servers) server.closeAllConnections()
  await Promise.all(closed)
}

/**
 * Listens on every host of `target`; `onCallback` answers each request to the callback path.
 * Binding fails as a whole if any address is taken: a program holding [::1]:PORT while we hold
 * 127.0.0.1:PORT would receive the code of every browser that prefers IPv6.
 */
export async function listenForCallback(o: {
  target: LoopbackRedirect
  onCallback(url: URL): Promise<CallbackAnswer>
}): Promise<LoopbackListener> {
  const { target } = o
  const answering = new Set<Promise<void>>()
  const answer = (res: ServerResponse, pending: Promise<CallbackAnswer>): void => {
    const sent = pending
      .catch(() => ({ status: 500, html: page.notHere('The sign-in could not be completed.') }))
      .then((a) => send(res, a))
    answering.add(sent)
    void sent.finally(() => answering.delete(sent))
  }
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', `http://localhost:${target.port}`)
    const refuse = (status: number, text: string): void =>
      answer(res, Promise.resolve({ status, html: page.notHere(text) }))
    if (!isLoopbackHost(hostOf(req))) return refuse(421, 'This address answers only itself.')
    if (url.pathname !== target.path) return refuse(404, 'This is not the sign-in callback.')
    if (req.method !== 'GET') return refuse(405, 'The sign-in callback takes GET only.')
    answer(res, o.onCallback(url))
  }
  const servers: Server[] = []
  for (const host of target.hosts) {
    const server = createServer(handle)
    try {
      await listen(server, host, target.port)
      servers.push(server)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // No IPv6 on this machine: nobody can reach [::1] either, so nothing is exposed.
      const unavailable = code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT'
      if (unavailable && host === '::1' && target.hosts.length > 1) continue
      await close(servers, answering)
      throw listenError(error, target)
    }
  }
  return { close: () => close(servers, answering) }
}
