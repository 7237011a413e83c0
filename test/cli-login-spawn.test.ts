/**
 * The binary itself for `login`, `login --device` and `exchange --file`, against the emulator on
 * a socket, as a person runs them. Needs dist/ (npm test builds first).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { approve, startTestEmulator, type TestEmulator } from './support/emulator.js'
import { BIN, freePort, loginSpawned, portClosed, visit } from './support/login.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(async () => {
  await zoho.control('reset', {})
  await zoho.control('settings', { device_poll_interval: 1 })
  await zoho.user('ada@example.com', 'us')
})

function environment(extra: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-login-spawn-'))
  return {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    ZOHO_EMULATOR_URL: zoho.url,
    ZOHO_SCOPES: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'),
    ...extra,
  }
}

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function serverLoginEnv(): Promise<{ env: Record<string, string>; port: number }> {
  const port = await freePort()
  const redirectURI = `http://localhost:${port}/oauth/callback`
  const client = await zoho.client({ type: 'server', redirect_uris: [redirectURI] })
  const env = environment({
    CI: '1',
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_REDIRECT_URI: redirectURI,
  })
  return { env, port }
}

describe('zoho-auth login / exchange --file (spawned)', () => {
  it('zoho-auth login: a headless client follows the redirect to the binary’s loopback listener', async () => {
    const { env, port } = await serverLoginEnv()
    const login = loginSpawned(['login'], env)
    const page = await visit(await approve(await login.authorizeURL(), 'ada@example.com'))
    expect(page.status).toBe(200)
    const result = await login.done
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('Not opening a browser (running in CI)')
    expect(result.stdout).toContain('Logged in to Zoho as ada@example.com')
    expect(await portClosed(port)).toBe(true)
    const token = await run(['token'], env)
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
  }, 30_000)

  it('zoho-auth login: SIGINT while waiting exits 130, stores nothing and frees the port', async () => {
    const { env, port } = await serverLoginEnv()
    const login = loginSpawned(['login'], env)
    await login.authorizeURL()
    await login.stderr.match(/Waiting for the sign-in/, 'waiting line')
    login.interrupt()
    const result = await login.done
    expect(result.code).toBe(130)
    expect(result.stderr).toContain('zoho-auth: Login cancelled; nothing was stored')
    expect(await portClosed(port)).toBe(true)
    expect((await run(['connections', 'list', '--json'], env)).stdout.trim()).toBe('[]')
  }, 30_000)

  it('zoho-auth login --device: approved through the emulator’s control API', async () => {
    const client = await zoho.client({ type: 'device', redirect_uris: [] })
    const env = environment({
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
    })
    const login = loginSpawned(['login', '--device'], env)
    await zoho.control('device/approve', {
      user_code: await login.userCode(),
      email: 'ada@example.com',
      decision: 'approve',
    })
    const result = await login.done
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Logged in to Zoho as ada@example.com')
    expect((await run(['token'], env)).stdout).toMatch(/^1000\./)
  }, 30_000)

  it('zoho-auth exchange --file: the console’s self_client.json becomes a connection', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    const env = environment({})
    const code = await zoho.selfClientCode({
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'ada@example.com',
    })
    const file = join(env.HOME ?? '', 'self_client.json')
    writeFileSync(
      file,
      JSON.stringify({
        client_id: client.client_id,
        client_secret: client.client_secret,
        code,
        grant_type: 'authorization_code',
        scope: ['ZohoCRM.users.READ'],
        expiry_time: Date.now() + 180_000,
      }),
    )
    const result = await run(['exchange', '--file', file], env)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Connection "default" saved: ada@example.com in us')
    expect(result.stdout + result.stderr).not.toContain(client.client_secret)
    expect((await run(['token'], env)).stdout).toMatch(/^1000\./)
  }, 30_000)
})
