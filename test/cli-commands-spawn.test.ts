/**
 * The binary itself for api, exec, crm, invoice and completion, against the emulator on a
 * socket and one SQLite file, as a person or a script runs them. Needs dist/ (npm test builds).
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'
import { runSpawned, spawnCli } from './support/spawn.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

const node = process.execPath

describe('zoho-auth api (spawned)', () => {
  it('zoho-auth api: a compact JSON line in a pipe; --data @- reads the piped stdin', async () => {
    const { env, email } = await scriptEnvironment(zoho)
    const user = await runSpawned(['api', '/crm/v8/users?type=CurrentUser'], env)
    expect(user.code).toBe(0)
    expect(user.stdout.split('\n')).toHaveLength(2)
    expect(JSON.parse(user.stdout)).toMatchObject({ users: [{ email }] })

    const body = JSON.stringify({ data: [{ Last_Name: 'Piped', Email: 'piped@example.com' }] })
    const created = await runSpawned(['api', '/crm/v8/Leads', '--data', '@-'], env, {
      stdin: body,
    })
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({ data: [{ code: 'SUCCESS' }] })

    const failed = await runSpawned(['api', '/crm/v8/settings/fields'], env)
    expect(failed).toMatchObject({ code: 1, stdout: '' })
    expect(failed.stderr).toContain('REQUIRED_PARAM_MISSING')
    expect(failed.stderr).toContain('  → ')
  })
})

describe('zoho-auth exec (spawned)', () => {
  it('zoho-auth exec: the child inherits stdio, gets the token, and its exit code is passed on', async () => {
    const { env } = await scriptEnvironment(zoho)
    const token = (await runSpawned(['token'], env)).stdout.trim()
    const run = await runSpawned(
      [
        'exec',
        '--',
        node,
        '-e',
        'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { console.log(JSON.stringify({ s, t: process.env.ZOHO_ACCESS_TOKEN, d: process.env.ZOHO_API_DOMAIN })); process.exit(3) })',
      ],
      env,
      { stdin: 'from the pipe' },
    )
    expect(run.code).toBe(3)
    expect(JSON.parse(run.stdout)).toEqual({
      s: 'from the pipe',
      t: token,
      d: `${zoho.url}/us/api`,
    })
  })

  it('zoho-auth exec: SIGTERM is passed to the child, and the signal that ends it is exit 128 + n', async () => {
    const { env } = await scriptEnvironment(zoho)
    const running = spawnCli(
      [
        'exec',
        '--',
        node,
        '-e',
        'process.on("SIGTERM", () => { console.log("child got SIGTERM"); process.kill(process.pid, "SIGKILL") }); console.log("ready"); setInterval(() => {}, 1000)',
      ],
      env,
    )
    await running.waitFor('ready')
    running.child.kill('SIGTERM')
    const run = await running.done
    expect(run.stdout).toContain('child got SIGTERM')
    // The child ended by SIGKILL after it saw SIGTERM: 128 + 9.
    expect(run.code).toBe(137)
  })

  it('zoho-auth exec: a program that is not there is exit 127', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runSpawned(['exec', '--', 'zoho-auth-no-such-program'], env)
    expect(run.code).toBe(127)
    expect(run.stderr).toContain('command not found: zoho-auth-no-such-program')
  })
})

describe('zoho-auth crm / invoice (spawned): the seed scenarios', () => {
  it('zoho-auth crm leads create: a lead from a consultation form', async () => {
    const { env } = await scriptEnvironment(zoho)
    const form = { name: 'Grace Hopper', email: 'grace@example.com', interest: 'Compilers' }
    const run = await runSpawned(['crm', 'leads', 'create', '--data', JSON.stringify(form)], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^✓ 1 Grace Hopper <grace@example\.com>: created, id \d+\n/)
  })

  it('zoho-auth crm fields: a missing deal field found, created once; the second run changes nothing', async () => {
    const { env } = await scriptEnvironment(zoho)
    const audit = ['crm', 'fields', 'audit', '--module', 'Deals', '--require', 'StrategicPartnerId']
    const ensure = [
      'crm',
      'fields',
      'ensure',
      '--module',
      'Deals',
      '--field',
      'StrategicPartnerId:text',
    ]
    expect((await runSpawned(audit, env)).code).toBe(1)
    expect((await runSpawned(ensure, env)).stdout).toBe(
      'Deals.StrategicPartnerId (text): created\n',
    )
    expect((await runSpawned(ensure, env)).stdout).toBe(
      'Deals.StrategicPartnerId (text): already there\n',
    )
    expect((await runSpawned(audit, env)).code).toBe(0)
  })

  it('zoho-auth invoice create: an invoice for a new contact', async () => {
    const { env } = await scriptEnvironment(zoho)
    const orgs = JSON.parse(
      (await runSpawned(['api', '/invoice/v3/organizations'], env)).stdout,
    ) as {
      organizations: Array<{ organization_id: string }>
    }
    const data = JSON.stringify({
      customer: { name: 'Analytical Ltd', email: 'billing@analytical.example' },
      line_items: [{ name: 'Review', rate: 90, quantity: 3 }],
    })
    const run = await runSpawned(
      [
        'invoice',
        'create',
        '--organization',
        orgs.organizations[0]?.organization_id ?? '',
        '--data',
        data,
        '--json',
      ],
      env,
    )
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({
      contactCreated: true,
      invoice: { total: 270, customer_name: 'Analytical Ltd' },
    })
  })
})

describe('zoho-auth completion (spawned)', () => {
  it('zoho-auth completion bash prints a script bash parses, and every new command has --help', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/' }
    const script = await runSpawned(['completion', 'bash'], env)
    expect(script.code).toBe(0)
    const parsed = spawnSync('bash', ['-n'], { input: script.stdout, encoding: 'utf8' })
    expect([parsed.status, parsed.stderr]).toEqual([0, ''])
    for (const name of ['api', 'exec', 'crm', 'invoice', 'completion']) {
      const help = await runSpawned([name, '--help'], env)
      expect({ name, code: help.code }).toEqual({ name, code: 0 })
      expect(help.stdout).toMatch(new RegExp(`^Usage: zoho-auth ${name}`))
    }
  })
})
