/**
 * `zoho-auth doctor` on a connection whose refresh token Zoho no longer honours: the remedy is
 * the way that connection's client grants again — a new Self Client code and `exchange` for a
 * Self Client (which cannot use `login`: it has no redirect URI), `login` for a Server-based
 * client. Zoho's answer is the real one: `invalid_code` with HTTP 200 from the token endpoint.
 */
import { describe, expect, it } from 'vitest'
import { openRuntime } from '../src/cli/runtime.js'
import { runCommand as cli } from './support/cli.js'
import { approve } from './support/emulator.js'
import { freePort, loginInProcess, visit } from './support/login.js'
import { SELF_CLIENT_USER, useSelfClientCli } from './support/self-client-cli.js'

const KEY = Buffer.alloc(32, 6).toString('base64')
const fixture = useSelfClientCli('doctor-regrant')

/** Zoho forgets the refresh token (revoked elsewhere, or evicted) and the stored token is due. */
async function killGrant(env: Record<string, string>): Promise<void> {
  await fixture.zoho.control('faults', {
    path: '/oauth/v2/token',
    status: 200,
    body: '{"error":"invalid_code"}',
  })
  const sink = { write: () => undefined }
  const runtime = await openRuntime(
    {
      argv: [],
      env,
      cwd: env.HOME!,
      stdout: sink,
      stderr: sink,
      signal: new AbortController().signal,
    },
    {},
  )
  try {
    const row = await runtime.store.get('default')
    const now = Date.now()
    await runtime.store.update('default', { accessTokenExpiresAt: now - 1000 }, row!.version, now)
  } finally {
    await runtime.close()
  }
}

describe('zoho-auth doctor: granting a dead connection again', () => {
  it('doctor: a Self Client connection with a dead refresh token says to mint a code and exchange, not login', async () => {
    const env = fixture.environment(KEY)
    await fixture.connect(env, { scope: 'ZohoCRM.users.READ' })
    await killGrant(env)
    const run = await cli(['doctor'], env)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('[FAIL] connection "default": a token is served')
    expect(run.stdout).toContain(
      `    → mint a new code for this Self Client (the emulator: POST ${fixture.zoho.url}/__emulator/self-client/code, scopes ZohoCRM.users.READ), then within its minutes: zoho-auth exchange --code CODE --connection default --replace\n`,
    )
    // The missing recipe scopes are granted the same way.
    expect(run.stdout).toContain(
      `→ mint a new code for this Self Client (the emulator: POST ${fixture.zoho.url}/__emulator/self-client/code, scopes ZohoCRM.users.READ,ZohoCRM.modules.ALL,`,
    )
    expect(run.stdout).not.toContain('zoho-auth login')
  })

  it('doctor: the exchange it names works — a new code brings the connection back', async () => {
    const env = fixture.environment(KEY)
    await fixture.connect(env)
    await killGrant(env)
    expect((await cli(['doctor'], env)).code).toBe(1)
    await fixture.zoho.control('faults', undefined, 'DELETE')
    const code = await fixture.zoho.selfClientCode({
      client_id: fixture.client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: SELF_CLIENT_USER,
    })
    const exchange = await cli(
      ['exchange', '--code', code, '--connection', 'default', '--replace'],
      env,
    )
    expect(exchange.code).toBe(0)
    expect((await cli(['doctor'], env)).stdout).toContain(
      '[ok] connection "default": a token is served',
    )
  })

  it('doctor: a Server-based client connection (made by login) with a dead refresh token says login', async () => {
    const port = await freePort()
    const redirectURI = `http://localhost:${port}/oauth/callback`
    const server = await fixture.zoho.client({ type: 'server', redirect_uris: [redirectURI] })
    const env = {
      ...fixture.environment(KEY),
      ZOHO_CLIENT_ID: server.client_id,
      ZOHO_CLIENT_SECRET: server.client_secret,
      ZOHO_REDIRECT_URI: redirectURI,
      ZOHO_SCOPES: 'ZohoCRM.users.READ',
    }
    const login = loginInProcess(['login', '--no-browser'], env)
    await visit(await approve(await login.authorizeURL(), SELF_CLIENT_USER))
    expect((await login.done).code).toBe(0)
    await killGrant(env)
    const run = await cli(['doctor'], env)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('[FAIL] connection "default": a token is served')
    expect(run.stdout).toContain(
      '    → zoho-auth login --connection default --scopes ZohoCRM.users.READ\n',
    )
    expect(run.stdout).not.toContain('Self Client')
  })
})
