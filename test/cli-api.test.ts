/**
 * `zoho-auth api`, in-process against the emulator on a socket and a real SQLite store: the body
 * on stdout (indented on a terminal, one compact line in a pipe), Zoho's errors and their remedy
 * on stderr, misuse as exit 2, and never a token printed.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

function warningLine(): string {
  return `zoho-auth: warning: emulator mode: the client secret and tokens go to the emulator at ${zoho.url}, not to Zoho (ZOHO_EMULATOR_URL in the environment); remove it to talk to Zoho\n`
}

/** stderr without the line every emulator-mode command prints. */
function stderrOf(run: { stderr: string }): string {
  return run.stderr.replace(warningLine(), '')
}

describe('zoho-auth api', () => {
  it('api GET prints the body: one compact JSON line in a pipe, indented on a terminal', async () => {
    const { env } = await scriptEnvironment(zoho)
    const piped = await runCommand(['api', '/crm/v8/org'], env)
    expect(piped).toMatchObject({ code: 0, stderr: warningLine() })
    expect(piped.stdout.split('\n')).toHaveLength(2)
    const org = JSON.parse(piped.stdout) as { org: Array<{ company_name: string }> }
    expect(org.org[0]?.company_name).toBe('Emulated Org (us)')

    const tty = await runCommand(['api', 'crm/v8/users?type=CurrentUser'], env, { tty: true })
    expect(tty.code).toBe(0)
    expect(tty.stdout).toMatch(/^\{\n {2}"users": \[\n/)
  })

  it('api sends --data as JSON with POST by default, from the text, @file or @- (stdin)', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const lead = (email: string): string =>
      JSON.stringify({ data: [{ Last_Name: 'Lovelace', Email: email }] })
    const inline = await runCommand(['api', '/crm/v8/Leads', '--data', lead('a@example.com')], env)
    expect(inline.code).toBe(0)
    expect(JSON.parse(inline.stdout)).toMatchObject({ data: [{ code: 'SUCCESS' }] })

    writeFileSync(join(dir, 'lead.json'), lead('b@example.com'))
    const file = await runCommand(['api', '-X', 'post', '/crm/v8/Leads', '-d', '@lead.json'], env)
    expect(JSON.parse(file.stdout)).toMatchObject({ data: [{ code: 'SUCCESS' }] })

    const stdin = await runCommand(['api', '/crm/v8/Leads', '--data', '@-'], env, {
      stdin: lead('c@example.com'),
    })
    expect(JSON.parse(stdin.stdout)).toMatchObject({ data: [{ code: 'SUCCESS' }] })
  })

  it('api: a batch with a failed record prints its results on stdout and exits 1, saying which', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(
      ['api', '/crm/v8/Leads', '--data', '{"data":[{"Email":"no-name@example.com"}]}'],
      env,
    )
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({
      data: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' } }],
    })
    expect(stderrOf(run)).toBe(
      'zoho-auth: POST /crm/v8/Leads answered HTTP 400: 1 of 1 records failed (their codes are on stdout)\n  → Fix the records whose status is "error" (details.api_name names the field) and send only those again with zoho-auth api.\n',
    )
  })

  it('api: a Zoho error goes to stderr with its details and remedy, nothing on stdout, exit 1', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(['api', '/crm/v8/settings/fields'], env)
    expect(run).toMatchObject({ code: 1, stdout: '' })
    const stderr = stderrOf(run)
    expect(stderr).toContain(
      'zoho-auth: GET /crm/v8/settings/fields failed: HTTP 400 REQUIRED_PARAM_MISSING',
    )
    expect(stderr).toContain('  details: {"param_name":"module"}\n')
    expect(stderr).toContain('  → Add the missing parameter that details.param_name names')
  })

  it('api: a missing scope names the re-grant commands, login and exchange', async () => {
    const { env } = await scriptEnvironment(zoho, { scope: 'ZohoCRM.users.READ' })
    const run = await runCommand(['api', '/crm/v8/org'], env)
    expect(run.code).toBe(1)
    expect(stderrOf(run)).toContain(
      '→ Grant access again with the scope added (a refresh keeps the old scopes): `zoho-auth login --connection default --scopes ZohoCRM.users.READ,SCOPE`, or with a Self Client, mint a code for those scopes and run `zoho-auth exchange --code CODE --connection default --replace`.',
    )
  })

  it('api: an Invoice organisation Zoho refuses points to the command that lists them', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(
      ['api', '/invoice/v3/invoices', '-H', 'X-com-zoho-invoice-organizationid: 1'],
      env,
    )
    expect(run.code).toBe(1)
    expect(stderrOf(run)).toContain('list yours with `zoho-auth api /invoice/v3/organizations`')
  })

  it('api: an absolute URL is refused before anything is sent, with the command to use', async () => {
    const { env } = await scriptEnvironment(zoho)
    const before = (await zoho.stats()).api
    const run = await runCommand(['api', 'https://evil.example/crm/v8/org'], env)
    expect(run.code).toBe(1)
    expect(stderrOf(run)).toBe(
      "zoho-auth: Refusing API path \"https://evil.example/crm/v8/org\": it is an absolute URL\n  → Pass a path relative to the connection's API domain, such as `zoho-auth api /crm/v8/org` or `zoho-auth api '/crm/v8/settings/fields?module=Deals'`; the domain of the connection's data centre is added for you.\n",
    )
    expect((await zoho.stats()).api).toBe(before)
  })

  it('api --include prints the status line and headers before the body', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(['api', '-i', '/crm/v8/org'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^HTTP 200\n(.+: .+\n)*content-type: application\/json[^\n]*\n/)
    expect(run.stdout).toMatch(/\n\n\{"org":/)
  })

  it('api: misuse is exit 2 with the reason, and nothing is sent', async () => {
    const { env } = await scriptEnvironment(zoho)
    const before = (await zoho.stats()).api
    const cases: Array<[string[], string]> = [
      [['api'], 'missing PATH, e.g. zoho-auth api /crm/v8/org'],
      [['api', '/a', '/b'], 'one PATH only; got also "/b"'],
      [['api', '-X', 'GET', '/crm/v8/Leads', '--data', '{}'], '-X GET cannot send --data'],
      [['api', '-X', 'FETCH', '/crm/v8/org'], '-X FETCH: not an HTTP method'],
      [['api', '/crm/v8/Leads', '--data', '{"data":'], '--data: --data is not JSON'],
      [['api', '/crm/v8/Leads', '--data', '@missing.json'], 'cannot read it (no such file)'],
      [['api', '/crm/v8/org', '-H', 'Authorization: Zoho-oauthtoken x'], 'zoho-auth sets it'],
      [['api', '/crm/v8/org', '-H', 'no-colon'], 'expected NAME:VALUE'],
    ]
    for (const [argv, message] of cases) {
      const run = await runCommand(argv, env)
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 })
      expect(run.stderr).toContain(message)
      expect(run.stderr).toContain('Usage: zoho-auth api')
    }
    expect((await zoho.stats()).api).toBe(before)
  })

  it('api never prints the token, in its output or its errors', async () => {
    const { env } = await scriptEnvironment(zoho)
    const token = (await runCommand(['token'], env)).stdout.trim()
    const runs = await Promise.all([
      runCommand(['api', '-i', '/crm/v8/users?type=CurrentUser'], env),
      runCommand(['api', '/crm/v8/settings/fields'], env),
    ])
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toContain(token)
      expect(run.stdout + run.stderr).not.toContain(env.ZOHO_CLIENT_SECRET)
    }
  })
})
