/** `zoho-auth doctor` against the emulator on a socket and a real SQLite file. */
import { describe, expect, it } from 'vitest'
import { spawnBin } from './support/bin.js'
import { runCommand as cli } from './support/cli.js'
import { useSelfClientCli } from './support/self-client-cli.js'

const KEY = Buffer.alloc(32, 5).toString('base64')
const CRM = 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ'
const fixture = useSelfClientCli('doctor')
const environment = (): Record<string, string> => fixture.environment(KEY)
const connect = (env: Record<string, string>, scope: string): Promise<void> =>
  fixture.connect(env, { scope })

describe('zoho-auth doctor', () => {
  it('all checks pass with the CRM scopes; no Invoice scope is a warning, exit 0', async () => {
    const env = environment()
    await connect(env, CRM)
    const run = await cli(['doctor'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('[ok] credentials')
    expect(run.stdout).toContain('[ok] store and key: every row decrypts')
    expect(run.stdout).toContain('[ok] connection "default" is in us')
    expect(run.stdout).toContain('[ok] connection "default": a token is served')
    expect(run.stdout).toContain('[ok] scopes cover the CRM recipes')
    expect(run.stdout).toContain('[warn] no Invoice scope')
    expect(run.stdout).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/)
  })

  it('missing scopes, a revoked grant and missing credentials fail with a remedy each, exit 1', async () => {
    const env = environment()
    await connect(env, 'ZohoCRM.users.READ')
    await cli(['revoke'], env)
    const run = await cli(['doctor'], { ...env, ZOHO_CLIENT_SECRET: '' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('[FAIL] credentials')
    expect(run.stdout).toContain('[FAIL] connection "default": a token is served')
    expect(run.stdout).toContain(
      '[FAIL] scopes miss ZohoCRM.modules, ZohoCRM.settings, ZohoCRM.org',
    )
    // A Self Client connection is granted again with a new code, not `login`.
    expect(run.stdout).toContain(
      `→ mint a new code for this Self Client (the emulator: POST ${fixture.zoho.url}/__emulator/self-client/code, scopes ZohoCRM.users.READ,`,
    )
    const fails = run.stdout.split('\n').filter((line) => line.startsWith('[FAIL]')).length
    const remedies = run.stdout.split('\n').filter((line) => line.startsWith('    → ')).length
    expect(remedies).toBeGreaterThanOrEqual(fails)
  })

  it('a connection that does not exist fails with the command that makes one', async () => {
    const run = await cli(['doctor', '--connection', 'nope'], environment())
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('[FAIL] connection "nope" exists')
    expect(run.stdout).toContain('→ zoho-auth exchange --code CODE')
  })

  it('the real binary prints the checklist, ASCII marks when not a terminal', async () => {
    const env = environment()
    await connect(env, CRM)
    const run = spawnBin(['doctor'], { ...env, NO_COLOR: '1' })
    expect((await run.exited).code).toBe(0)
    expect(run.stdout).toContain('[ok] scopes cover the CRM recipes')
    expect(run.stdout).not.toContain('✓')
  })
})
