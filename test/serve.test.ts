/**
 * `zoho-auth serve` in-process: sandbox mode (emulator in the process, a client registered for
 * the broker's real callback, its own wiped database, the admin token printed every time), real
 * mode against an emulator on a socket (the admin token generated once, then only located), and
 * the refusals (port in use, a client id without a secret). Stopping is the signal's abort.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import { approve, startTestEmulator, type TestEmulator } from './support/emulator.js'
import { serveInProcess } from './support/serve.js'

const ADMIN = 'serve-test-admin-token-0123456789abcdef'

function home(): string {
  return mkdtempSync(join(tmpdir(), 'zoho-auth-serve-'))
}

let zoho: TestEmulator
beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

describe('zoho-auth serve (sandbox mode)', () => {
  it('serve with no ZOHO_CLIENT_ID starts the sandbox: healthz, the admin token guards the API, the emulator knows the callback', async () => {
    const env = { HOME: home() }
    const run = serveInProcess(['--port', '0'], env)
    try {
      const banner = await run.banner()
      expect(run.stdout).toMatch(
        /^zoho-auth broker listening on http:\/\/127\.0\.0\.1:\d+ \(sandbox mode: no ZOHO_CLIENT_ID, so an offline Zoho stands in\)\n/,
      )
      const port = new URL(banner.listenUrl).port
      expect(banner.uiUrl).toBe(`http://localhost:${port}/`)
      expect(banner.adminToken).toMatch(/^zat_admin_[A-Za-z0-9_-]{43}$/)
      expect(run.stdout).toContain(
        `database        SQLite ${join(env.HOME, '.local/share/zoho-auth/sandbox.db')} (sandbox only, wiped at every start)`,
      )
      expect(run.stdout).toContain('ada@example.com (us), emil@example.eu (eu)')

      const health = await fetch(`${banner.listenUrl}/healthz`)
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: 'ok' })
      const ready = await fetch(`${banner.listenUrl}/readyz`)
      expect(await ready.json()).toEqual({ status: 'ready' })

      const anonymous = await fetch(`${banner.listenUrl}/api/v1/connections`)
      expect(anonymous.status).toBe(401)
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
        'ERR_UNAUTHORIZED',
      )
      const wrong = await fetch(`${banner.listenUrl}/api/v1/connections`, {
        headers: { authorization: 'Bearer zat_admin_not-the-one-0123456789abcdefghijklmnop' },
      })
      expect(wrong.status).toBe(401)
      const admitted = await fetch(`${banner.listenUrl}/api/v1/connections`, {
        headers: { authorization: `Bearer ${banner.adminToken}` },
      })
      expect(admitted.status).not.toBe(401)
      await admitted.body?.cancel()

      const clients = (await (await fetch(`${banner.emulatorUrl}/__emulator/clients`)).json()) as {
        clients: Array<{ type: string; client_id: string; redirect_uris: string[] }>
      }
      const callback = `http://localhost:${port}/oauth/callback`
      const sandboxClient = clients.clients.find((c) => c.redirect_uris.includes(callback))
      expect(sandboxClient?.type).toBe('server')
      // A demo user can consent to the sandbox client, and Zoho's answer comes to this broker.
      const authorize = new URL(`${banner.emulatorUrl}/us/accounts/oauth/v2/auth`)
      authorize.search = new URLSearchParams({
        client_id: String(sandboxClient?.client_id),
        response_type: 'code',
        redirect_uri: callback,
        scope: 'ZohoCRM.users.READ',
        access_type: 'offline',
        state: 'sandbox-test',
      }).toString()
      const answer = await approve(authorize, 'emil@example.eu')
      expect(`${answer.origin}${answer.pathname}`).toBe(callback)
      expect(answer.searchParams.get('state')).toBe('sandbox-test')
      expect(answer.searchParams.get('code')).toMatch(/^1000\./)
      expect(answer.searchParams.get('accounts-server')).toBe(`${banner.emulatorUrl}/eu/accounts`)
    } finally {
      expect(await run.stop()).toBe(0)
    }
    expect(run.stdout).toMatch(/zoho-auth broker stopped\.\n$/)
    expect(run.stderr).toBe('zoho-auth: stopping: finishing requests in flight\n')
  })

  it('serve in sandbox mode answers the web UI at /', async () => {
    const run = serveInProcess(['--port', '0'], { HOME: home() })
    try {
      const banner = await run.banner()
      const page = await fetch(banner.uiUrl.replace('localhost', '127.0.0.1'))
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    } finally {
      expect(await run.stop()).toBe(0)
    }
  })

  it('serve in sandbox mode wipes sandbox.db at start and prints the same kept admin token every time', async () => {
    const env = { HOME: home() }
    const dataDir = join(env.HOME, '.local/share/zoho-auth')
    mkdirSync(dataDir, { recursive: true })
    // Not a database at all: a start that opened it instead of wiping it would fail.
    writeFileSync(join(dataDir, 'sandbox.db'), 'left over from an earlier sandbox run')
    const tokens: Array<string | undefined> = []
    for (let i = 0; i < 2; i++) {
      const run = serveInProcess(['--port', '0'], env)
      try {
        tokens.push((await run.banner()).adminToken)
      } finally {
        expect(await run.stop()).toBe(0)
      }
    }
    expect(tokens[0]).toMatch(/^zat_admin_/)
    expect(tokens[1]).toBe(tokens[0])
    const kept = join(env.HOME, '.config/zoho-auth/sandbox-admin-token')
    expect(readFileSync(kept, 'utf8')).toBe(`${tokens[0]}\n`)
    expect(statSync(kept).mode & 0o777).toBe(0o600)
    // The real admin token is never made (or printed) by a sandbox run.
    expect(existsSync(join(env.HOME, '.config/zoho-auth/admin-token'))).toBe(false)
  })

  it('serve in sandbox mode says ZOHO_AUTH_DB is ignored rather than mixing sandbox rows into it', async () => {
    const env = { HOME: home(), ZOHO_AUTH_DB: join(tmpdir(), 'never-opened.db') }
    const run = serveInProcess(['--port', '0'], env)
    try {
      await run.banner()
    } finally {
      expect(await run.stop()).toBe(0)
    }
    expect(run.stderr).toContain(
      `zoho-auth: warning: ZOHO_AUTH_DB is ignored in sandbox mode (the sandbox keeps its own ${join(env.HOME, '.local/share/zoho-auth/sandbox.db')}); set ZOHO_CLIENT_ID to use it\n`,
    )
    expect(existsSync(env.ZOHO_AUTH_DB)).toBe(false)
  })
})

describe('zoho-auth serve (with credentials)', () => {
  it('serve with credentials and ZOHO_EMULATOR_URL generates the admin token once, prints it once, then says where it is', async () => {
    const client = await zoho.client()
    const env = {
      HOME: home(),
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
    }
    const kept = join(env.HOME, '.config/zoho-auth/admin-token')
    const first = serveInProcess(['--port', '0'], env)
    let token: string | undefined
    try {
      const banner = await first.banner()
      token = banner.adminToken
      expect(token).toMatch(/^zat_admin_/)
      expect(first.stdout).toContain(
        `generated now and kept in ${kept} (0600); shown only this once`,
      )
      expect(first.stdout).toContain(
        `talks to        the emulator at ${zoho.url} (ZOHO_EMULATOR_URL), not Zoho`,
      )
      // No ZOHO_REDIRECT_URI: the callback is on the port this broker took.
      const port = new URL(banner.listenUrl).port
      expect(first.stdout).toContain(`redirect URI    http://localhost:${port}/oauth/callback`)
      expect(banner.uiUrl).toBe(`http://localhost:${port}/`)
      expect(first.stdout).toContain(
        `database        SQLite ${join(env.HOME, '.local/share/zoho-auth/zoho-auth.db')}`,
      )
      expect(first.stderr).toMatch(/^zoho-auth: warning: emulator mode: /)
      const admitted = await fetch(`${banner.listenUrl}/api/v1/connections`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(admitted.status).not.toBe(401)
      await admitted.body?.cancel()
    } finally {
      expect(await first.stop()).toBe(0)
    }
    const second = serveInProcess(['--port', '0'], env)
    try {
      const banner = await second.banner()
      expect(banner.adminToken).toBeUndefined()
      expect(second.stdout).toContain(`admin token     kept in ${kept} (\`cat\` it to see it)`)
      expect(second.stdout).not.toContain(token)
      const admitted = await fetch(`${banner.listenUrl}/api/v1/connections`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(admitted.status).not.toBe(401)
      await admitted.body?.cancel()
    } finally {
      expect(await second.stop()).toBe(0)
    }
  })

  it('serve takes ZOHO_AUTH_ADMIN_TOKEN and the public URL from ZOHO_REDIRECT_URI, and never prints the token', async () => {
    const client = await zoho.client({
      redirect_uris: ['https://broker.example.com/oauth/callback'],
    })
    const env = {
      HOME: home(),
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_REDIRECT_URI: 'https://broker.example.com/oauth/callback',
      ZOHO_AUTH_ADMIN_TOKEN: ADMIN,
      ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 6).toString('base64'),
    }
    const run = serveInProcess(['--port', '0'], env)
    try {
      const banner = await run.banner()
      expect(banner.uiUrl).toBe('https://broker.example.com/')
      expect(run.stdout).toContain('admin token     from ZOHO_AUTH_ADMIN_TOKEN\n')
      const admitted = await fetch(`${banner.listenUrl}/api/v1/connections`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
      expect(admitted.status).not.toBe(401)
      await admitted.body?.cancel()
    } finally {
      expect(await run.stop()).toBe(0)
    }
    expect(run.stdout + run.stderr).not.toContain(ADMIN)
    expect(existsSync(join(env.HOME, '.config/zoho-auth/admin-token'))).toBe(false)
  })

  it('serve refuses a ZOHO_CLIENT_ID without its secret, before listening', async () => {
    const result = await runCommand(['serve', '--port', '0'], {
      HOME: home(),
      ZOHO_CLIENT_ID: '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123',
    })
    expect(result).toMatchObject({ code: 1, stdout: '' })
    expect(result.stderr).toBe(
      'zoho-auth: ZOHO_CLIENT_SECRET is not set\n  → Copy the Client ID and Client Secret from the Zoho API console (api-console.zoho.com → your client) into the environment or .env, or pass --client-id / --client-secret.\n',
    )
  })
})

describe('zoho-auth serve (refusals)', () => {
  it('serve on a port in use exits 1 and says what to do', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      const result = await runCommand(['serve', '--port', String(port)], { HOME: home() })
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `zoho-auth: Port ${port} on 127.0.0.1 is already in use (another zoho-auth serve, or another program)\n  → Stop what listens there (\`lsof -i :${port}\` shows it), or pick another port with --port N or PORT=N.\n`,
      })
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })

  it('serve takes PORT, and --port wins over it; a bad one is misuse', async () => {
    const env = { HOME: home(), PORT: 'eighty' }
    const bad = await runCommand(['serve'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^zoho-auth: PORT must be a port number \(0-65535\), got "eighty"\n/)
    const run = serveInProcess(['--port', '0'], env)
    try {
      expect((await run.banner()).listenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    } finally {
      expect(await run.stop()).toBe(0)
    }
  })

  it('serve --help describes the flags and sandbox mode', async () => {
    const help = await runCommand(['serve', '--help'], { HOME: home() })
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: zoho-auth serve \[--port P\] \[--host H\]\n/)
    expect(help.stdout).toContain(
      '--port P   port to listen on (default: $PORT, else 3001; 0 picks a free one)',
    )
    expect(help.stdout).toContain('sandbox mode')
  })
})
