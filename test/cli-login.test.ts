/**
 * `zoho-auth login` in-process against the emulator on a socket: the browser flow completed by a
 * headless client that follows the redirect with emulator_login to the real loopback listener,
 * and the refusals around it (forged, replayed state; foreign accounts server; Zoho's errors).
 */
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import {
  approve,
  startTestEmulator,
  type TestClient,
  type TestEmulator,
} from './support/emulator.js'
import { freePort, loginInProcess, portClosed, visit } from './support/login.js'

const KEY = Buffer.alloc(32, 5).toString('base64')
let zoho: TestEmulator
let client: TestClient
let port: number
let redirectURI: string

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(async () => {
  await zoho.control('reset', {})
  port = await freePort()
  redirectURI = `http://localhost:${port}/oauth/callback`
  client = await zoho.client({ type: 'server', redirect_uris: [redirectURI], dcs: ['us', 'eu'] })
  await zoho.user('ada@example.com', 'us')
  await zoho.user('eve@example.com', 'eu')
})

function environment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-login-'))
  return {
    HOME: dir,
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_EMULATOR_URL: zoho.url,
    ZOHO_REDIRECT_URI: redirectURI,
    ZOHO_SCOPES: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ,AaaServer.profile.READ',
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: KEY,
    ...overrides,
  }
}

async function connections(
  env: Record<string, string | undefined>,
): Promise<Array<Record<string, unknown>>> {
  return JSON.parse((await runCommand(['connections', 'list', '--json'], env)).stdout) as Array<
    Record<string, unknown>
  >
}

describe('zoho-auth login (browser flow)', () => {
  it('login: a headless sign-in through the loopback redirect stores the connection and says who, where', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    const url = await login.authorizeURL()
    expect(url.origin + url.pathname).toBe(`${zoho.url}/us/accounts/oauth/v2/auth`)
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: redirectURI,
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ,AaaServer.profile.READ',
    })
    expect(url.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/)
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)

    const callback = await approve(url, 'ada@example.com')
    expect(callback.origin).toBe(`http://localhost:${port}`)
    const page = await visit(callback)
    expect(page.status).toBe(200)
    expect(page.html).toContain('Signed in')
    expect(page.html).toContain('ada@example.com')

    const run = await login.done
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^Logged in to Zoho as ada@example\.com \(ZUID \d+\) in data centre us\.\n/,
    )
    expect(run.stdout).toContain('Connection "default" saved')
    expect(run.stderr).toContain('Not opening a browser (--no-browser)')
    expect(run.stderr).toContain('Waiting for the sign-in to reach')
    expect(run.stdout + run.stderr).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/)
    expect(run.stdout + run.stderr).not.toContain(client.client_secret)
    expect(await portClosed(port)).toBe(true)

    const token = await runCommand(['token'], env)
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
    const stats = await zoho.stats()
    expect(stats.token_endpoint.authorization_code).toBe(1)
  })

  it('login: the code is exchanged in the DC the callback names, and the connection keeps it', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser', '--connection', 'eu-crm'], env)
    const callback = await approve(await login.authorizeURL(), 'eve@example.com')
    expect(callback.searchParams.get('location')).toBe('eu')
    await visit(callback)
    const run = await login.done
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('as eve@example.com')
    expect(run.stdout).toContain('in data centre eu')
    const [stored] = await connections(env)
    expect(stored).toMatchObject({ id: 'eu-crm', dc: 'eu', apiDomain: `${zoho.url}/eu/api` })
    const stats = await zoho.stats()
    expect(stats.by_dc.eu?.token_endpoint.authorization_code).toBe(1)
    expect(stats.by_dc.us?.token_endpoint.authorization_code ?? 0).toBe(0)
  })

  it('login: a forged or missing state is refused and the login keeps waiting for the real callback', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    const callback = await approve(await login.authorizeURL(), 'ada@example.com')
    const forged = new URL(callback)
    forged.searchParams.set('state', 'eyJuIjoieCIsImV4cCI6OTk5OTk5OTk5OTk5OX0.c2lnbmF0dXJl')
    const refused = await visit(forged)
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('This sign-in link cannot be used')
    const stateless = new URL(callback)
    stateless.searchParams.delete('state')
    expect((await visit(stateless)).status).toBe(400)
    await login.stderr.match(/refused a callback: The callback carries no state/, 'refusal note')
    expect(login.stderr.text).toContain(
      'refused a callback: The callback state was not issued by this login (forged, or from another one); still waiting',
    )
    // Neither refusal spent the code: the genuine callback still completes.
    expect((await visit(callback)).status).toBe(200)
    expect((await login.done).code).toBe(0)
    expect((await zoho.stats()).token_endpoint.authorization_code).toBe(1)
  })

  it('login: the same callback delivered twice completes once; the replay is refused', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    const callback = await approve(await login.authorizeURL(), 'ada@example.com')
    const pages = await Promise.all([visit(callback), visit(callback)])
    expect(pages.map((p) => p.status).sort()).toEqual([200, 400])
    expect(pages.find((p) => p.status === 400)?.html).toContain('already used')
    expect((await login.done).code).toBe(0)
    expect((await zoho.stats()).token_endpoint.authorization_code).toBe(1)
    expect(await connections(env)).toHaveLength(1)
  })

  it('login: a callback naming a foreign accounts-server fails the login; the code goes nowhere', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    const callback = await approve(await login.authorizeURL(), 'ada@example.com')
    callback.searchParams.set('accounts-server', 'https://accounts.zoho.evil.example')
    callback.searchParams.delete('location')
    const page = await visit(callback)
    expect(page.status).toBe(400)
    expect(page.html).toContain('Sign-in failed')
    expect(page.html).toContain('not a Zoho data centre')
    const run = await login.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'zoho-auth: The callback names accounts server "https://accounts.zoho.evil.example", which is not a Zoho data centre',
    )
    expect(run.stderr).toContain('→ Start the login again')
    expect((await zoho.stats()).token_endpoint.authorization_code ?? 0).toBe(0)
    expect(await connections(env)).toEqual([])
    expect(await portClosed(port)).toBe(true)
  })

  it('login: consent declined at Zoho (access_denied) fails with what to do, nothing stored', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    const callback = await approve(await login.authorizeURL(), 'ada@example.com', 'deny')
    expect(callback.searchParams.get('error')).toBe('access_denied')
    const page = await visit(callback)
    expect(page.status).toBe(400)
    expect(page.html).toContain('Run <code>zoho-auth login</code> again and choose Accept')
    const run = await login.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('zoho-auth: Zoho did not grant access: consent was declined')
    expect(run.stderr).toContain('→ Run `zoho-auth login` again and choose Accept')
    expect(await connections(env)).toEqual([])
  })

  it('login: Zoho’s no_org on the redirect names the scopes as the way out', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    const state = (await login.authorizeURL()).searchParams.get('state') ?? ''
    const page = await visit(`${redirectURI}?error=no_org&state=${encodeURIComponent(state)}`)
    expect(page.status).toBe(400)
    const run = await login.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('has no organisation in a product these scopes ask for')
    expect(run.stderr).toContain('`zoho-auth login --scopes ZohoCRM.modules.ALL,…`')
  })

  it('login again under the same name replaces that connection’s grant and says so', async () => {
    const env = environment()
    const signIn = async (email: string) => {
      const login = loginInProcess(['login', '--no-browser'], env)
      await visit(await approve(await login.authorizeURL(), email))
      return login.done
    }
    expect((await signIn('ada@example.com')).code).toBe(0)
    // The same user again: a re-consent, which yields a refresh token only with prompt=consent.
    const again = await signIn('ada@example.com')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('It replaces the previous grant of "default".')
    const other = await signIn('eve@example.com')
    expect(other.code).toBe(0)
    expect(other.stdout).toContain('It replaces the previous grant of "default" (ada@example.com).')
    const stored = await connections(env)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ id: 'default', email: 'eve@example.com', dc: 'eu' })
  })

  it('login --json prints the connection, never a token', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser', '--json', '--connection', 'j'], env)
    await visit(await approve(await login.authorizeURL(), 'ada@example.com'))
    const run = await login.done
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: 'j',
      email: 'ada@example.com',
      replaced: false,
    })
    expect(run.stdout).not.toMatch(/1000\.[0-9a-f]{32}/)
  })

  it('login gives up after --timeout with a remedy, and frees the port', async () => {
    const env = environment()
    const run = await loginInProcess(['login', '--no-browser', '--timeout', '1'], env).done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      `zoho-auth: No sign-in reached ${redirectURI} within 1 s; nothing was stored`,
    )
    expect(run.stderr).toContain('Invalid Redirect URI')
    expect(await portClosed(port)).toBe(true)
  })

  it('login: Ctrl-C while waiting cancels cleanly and frees the port', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--no-browser'], env)
    await login.authorizeURL()
    expect(await portClosed(port)).toBe(false)
    login.interrupt()
    const run = await login.done
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('zoho-auth: Login cancelled; nothing was stored')
    expect(await portClosed(port)).toBe(true)
  })

  it('login refuses a redirect URI that is not on this machine, with the URI to register instead', async () => {
    const env = environment({ ZOHO_REDIRECT_URI: 'https://app.example.com/oauth/callback' })
    const run = await runCommand(['login', '--no-browser'], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      "zoho-auth: ZOHO_REDIRECT_URI https://app.example.com is not on this machine, so `zoho-auth login` cannot receive Zoho's redirect",
    )
    expect(run.stderr).toContain('Register http://localhost:3001/oauth/callback')
    expect(run.stderr).toContain('`zoho-auth login --device`')
  })

  it('login with the redirect port taken says which port and what to do', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve))
    try {
      const run = await runCommand(['login', '--no-browser'], environment())
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(
        `zoho-auth: Port ${port} (from the redirect URI ${redirectURI}) is in use`,
      )
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it('login without a client says which variables to set; misuse exits 2', async () => {
    const env = environment({ ZOHO_CLIENT_ID: undefined, ZOHO_CLIENT_SECRET: undefined })
    const run = await runCommand(['login', '--no-browser'], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET are not set')
    expect((await runCommand(['login', '--timeout', 'soon'], env)).code).toBe(2)
    expect((await runCommand(['login', '--scopes', ' '], env)).code).toBe(2)
    expect((await runCommand(['login', '--help'], {})).stdout).toContain('Usage: zoho-auth login')
  })
})
