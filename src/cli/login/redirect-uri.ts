/**
 * Where `zoho-auth login` listens: the host, port and path of ZOHO_REDIRECT_URI, which must be a
 * plain-http loopback URL — Zoho redirects the browser there, and only a listener on this
 * machine can receive it (RFC 8252 §7.3). Zoho matches redirect URIs exactly, so the URI is used
 * as configured, never rewritten.
 */
import { DEFAULT_REDIRECT_URI } from '../../config.js'
import { isLoopbackHost } from '../../protocol/http.js'
import { ERR_LOGIN_REDIRECT_URI, LoginError } from './errors.js'

export interface LoopbackRedirect {
  /** Exactly as configured: the authorize request and the code exchange must both send it. */
  redirectURI: string
  /** Addresses to listen on: `localhost` means both 127.0.0.1 and ::1 (browsers pick either). */
  hosts: string[]
  port: number
  path: string
}

const REGISTER = `Register ${DEFAULT_REDIRECT_URI} as an Authorized Redirect URI of your client in the Zoho API console (api-console.zoho.com → your client) and set ZOHO_REDIRECT_URI to it (or leave it unset); on a machine without a browser, run \`zoho-auth login --device\`.`

function refuse(message: string, remedy = REGISTER): never {
  throw new LoginError(ERR_LOGIN_REDIRECT_URI, message, { remedy })
}

export function loopbackRedirect(redirectURI: string): LoopbackRedirect {
  let url: URL
  try {
    url = new URL(redirectURI)
  } catch {
    refuse(`ZOHO_REDIRECT_URI "${redirectURI}" is not a URL`)
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  if (!isLoopbackHost(hostname)) {
    refuse(
      `ZOHO_REDIRECT_URI ${url.origin} is not on this machine, so \`zoho-auth login\` cannot receive Zoho's redirect (a web app's redirect URI belongs to the broker, \`zoho-auth serve\`)`,
    )
  }
  if (url.protocol !== 'http:') {
    refuse(
      `ZOHO_REDIRECT_URI uses ${url.protocol}//; \`zoho-auth login\` listens with plain http:// on loopback (the traffic never leaves this machine, and there is no certificate for localhost)`,
    )
  }
  if (url.hash !== '') refuse('ZOHO_REDIRECT_URI has a #fragment, which a redirect cannot carry')
  const port = url.port === '' ? 80 : Number(url.port)
  if (port === 0) {
    refuse(
      'ZOHO_REDIRECT_URI names port 0; Zoho matches redirect URIs exactly, so the port must be the registered one',
    )
  }
  const hosts = hostname.toLowerCase() === 'localhost' ? ['127.0.0.1', '::1'] : [hostname]
  return { redirectURI, hosts, port, path: url.pathname }
}
