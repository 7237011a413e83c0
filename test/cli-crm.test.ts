/**
 * The seed scenarios through the CLI, in-process against the emulator on a socket: a lead from a
 * consultation form; a missing deal field found by audit and created once by ensure (a second
 * run changes nothing); an invoice. Plus `crm user` / `crm org` and the misuse each refuses.
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

function stderrOf(run: { stderr: string }): string {
  return run.stderr.replace(/^zoho-auth: warning: emulator mode: .*\n/, '')
}

const FORM = {
  name: 'Ada Lovelace',
  email: 'ada.form@example.com',
  phone: '+44 20 7946 0018',
  interest: 'Engine design review',
}

describe('zoho-auth crm leads create', () => {
  it('crm leads create: a consultation form becomes a lead; sent again, CRM’s duplicate is shown with its remedy, exit 1', async () => {
    const { env } = await scriptEnvironment(zoho)
    const created = await runCommand(
      ['crm', 'leads', 'create', '--data', JSON.stringify(FORM)],
      env,
    )
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(
      /^✓ 1 Ada Lovelace <ada\.form@example\.com>: created, id \d+\n1 created, 0 failed\n$/,
    )
    const id = /created, id (\d+)/.exec(created.stdout)?.[1]
    const lead = JSON.parse((await runCommand(['api', `/crm/v8/Leads/${id}`], env)).stdout) as {
      data: Record<string, unknown>[]
    }
    expect(lead.data[0]).toMatchObject({
      First_Name: 'Ada',
      Last_Name: 'Lovelace',
      Email: 'ada.form@example.com',
      Phone: '+44 20 7946 0018',
      Description: 'Engine design review',
    })

    const again = await runCommand(['crm', 'leads', 'create', '--data', JSON.stringify(FORM)], env)
    expect(again.code).toBe(1)
    expect(again.stdout).toContain('✗ 1 Ada Lovelace <ada.form@example.com>: DUPLICATE_DATA')
    expect(again.stdout).toContain('(Email)\n    → A record with this unique value exists already')
    expect(stderrOf(again)).toBe(
      'zoho-auth: 1 of 1 leads were not created\n  → Fix those records (each line says why) and run zoho-auth crm leads create again with only them.\n',
    )
  })

  it('crm leads create --json: an array of forms and CRM records, one result each, from @file', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    writeFileSync(
      join(dir, 'leads.json'),
      JSON.stringify([
        { name: 'Lovelace, Ada', email: 'ada.json@example.com' },
        { Last_Name: 'Babbage', Email: 'charles@example.com', Company: 'Engines' },
        { Email: 'nameless@example.com', Company: 'Nobody' },
      ]),
    )
    const run = await runCommand(
      ['crm', 'leads', 'create', '--data', '@leads.json', '--json', '--lead-source', 'Web'],
      env,
    )
    expect(run.code).toBe(1)
    const outcome = JSON.parse(run.stdout) as { created: number; failed: number; results: object[] }
    expect(outcome).toMatchObject({ created: 2, failed: 1 })
    expect(outcome.results).toMatchObject([
      { ok: true, index: 0, code: 'SUCCESS' },
      { ok: true, index: 1, code: 'SUCCESS' },
      { ok: false, index: 2, code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' } },
    ])
  })

  it('crm leads create: misuse is exit 2 and sends nothing', async () => {
    const { env } = await scriptEnvironment(zoho)
    const before = (await zoho.stats()).api
    const cases: Array<[string[], string]> = [
      [['crm', 'leads', 'create'], '--data is required'],
      [['crm', 'leads', 'create', '--data', '[]'], '--data holds no leads'],
      [['crm', 'leads', 'create', '--data', '[1]'], 'lead 1 is not a JSON object'],
      [['crm', 'leads', 'create', '--data', '{'], 'is not JSON'],
      [['crm', 'leads'], 'unknown sub-command "crm leads"'],
      [['crm'], 'missing sub-command (one of: crm leads create, crm fields audit'],
    ]
    for (const [argv, message] of cases) {
      const run = await runCommand(argv, env)
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 })
      expect(run.stderr).toContain(message)
    }
    expect((await zoho.stats()).api).toBe(before)
  })
})

describe('zoho-auth crm fields', () => {
  it('crm fields: audit finds StrategicPartnerId missing on Deals, ensure creates it once, a second run changes nothing', async () => {
    const { env } = await scriptEnvironment(zoho)
    const audit = ['crm', 'fields', 'audit', '--module', 'Deals', '--require']
    const required = 'Deal_Name,Amount,StrategicPartnerId'
    const missing = await runCommand([...audit, required], env)
    expect(missing.code).toBe(1)
    expect(missing.stdout).toMatch(
      /^Deals: 2 of 3 required fields present\n {2}✓ Deal_Name \(Deal_Name, text\)\n {2}✓ Amount \(Amount, currency\)\n {2}✗ StrategicPartnerId missing\n$/,
    )
    expect(stderrOf(missing)).toBe(
      'zoho-auth: Deals lacks 1 required field: StrategicPartnerId\n  → Add each with its type, e.g. zoho-auth crm fields ensure --module Deals --field StrategicPartnerId:text\n',
    )

    const ensure = [
      'crm',
      'fields',
      'ensure',
      '--module',
      'Deals',
      '--field',
      'StrategicPartnerId:text',
    ]
    const first = await runCommand(ensure, env)
    expect(first).toMatchObject({ code: 0, stdout: 'Deals.StrategicPartnerId (text): created\n' })
    const fields = async (): Promise<unknown> =>
      JSON.parse((await runCommand(['api', '/crm/v8/settings/fields?module=Deals'], env)).stdout)
    const after = await fields()
    const second = await runCommand(ensure, env)
    expect(second).toMatchObject({
      code: 0,
      stdout: 'Deals.StrategicPartnerId (text): already there\n',
    })
    expect(await fields()).toEqual(after)

    const present = await runCommand([...audit, required, '--json'], env)
    expect(present.code).toBe(0)
    expect(JSON.parse(present.stdout)).toMatchObject({ module: 'Deals', missing: [] })
  })

  it('crm fields ensure: a field of another type is left alone, exit 1, naming both types', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(
      ['crm', 'fields', 'ensure', '-m', 'Deals', '--field', 'Amount:integer'],
      env,
    )
    expect(run.code).toBe(1)
    expect(stderrOf(run)).toContain(
      'zoho-auth: Deals already has "Amount" (Amount) of type currency, not integer; nothing was changed\n  → A field\'s type cannot be changed through the API: use it as currency',
    )
  })

  it('crm fields audit without --require lists every field; misuse is exit 2', async () => {
    const { env } = await scriptEnvironment(zoho)
    const listed = await runCommand(['crm', 'fields', 'audit', '--module', 'Leads'], env)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^API NAME +LABEL +TYPE\n/)
    expect(listed.stdout).toMatch(/\nLast_Name +Last Name +text\n/)
    for (const [argv, message] of [
      [['crm', 'fields', 'audit'], '--module is required'],
      [['crm', 'fields', 'ensure', '--module', 'Deals'], '--field NAME:TYPE is required'],
      [['crm', 'fields', 'ensure', '-m', 'Deals', '--field', 'X:'], '--field NAME:TYPE'],
      [['crm', 'fields', 'ensure', '-m', 'D', '--field', 'X:text', '--length', '0'], '--length'],
    ] as Array<[string[], string]>) {
      const run = await runCommand(argv, env)
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 })
      expect(run.stderr).toContain(message)
    }
  })

  it('crm fields audit: an unknown module is Zoho’s INVALID_MODULE with its remedy, exit 1', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(['crm', 'fields', 'audit', '--module', 'Dealz'], env)
    expect(run.code).toBe(1)
    expect(stderrOf(run)).toContain('HTTP 400 INVALID_MODULE')
    expect(stderrOf(run)).toContain('→ Use the API name of the module')
  })
})

describe('zoho-auth crm user / org', () => {
  it('crm user and crm org say who and where, as text or --json', async () => {
    const { env, email } = await scriptEnvironment(zoho)
    const user = await runCommand(['crm', 'user'], env)
    expect(user.code).toBe(0)
    expect(user.stdout).toMatch(
      new RegExp(`^.+ <${email.replace('.', '\\.')}>, id \\d+ \\(CEO, Administrator\\)\\n$`),
    )
    const org = await runCommand(['crm', 'org', '--json'], env)
    expect(JSON.parse(org.stdout)).toMatchObject({ company_name: 'Emulated Org (us)' })
  })
})

describe('zoho-auth invoice create', () => {
  it('invoice create: an invoice for a contact created by email, then found by it', async () => {
    const { env } = await scriptEnvironment(zoho)
    const orgs = JSON.parse(
      (await runCommand(['api', '/invoice/v3/organizations'], env)).stdout,
    ) as {
      organizations: Array<{ organization_id: string }>
    }
    const id = orgs.organizations[0]?.organization_id ?? ''
    const data = JSON.stringify({
      customer: { name: 'Difference Engines plc', email: 'ap@difference.example' },
      line_items: [{ name: 'Consultation', rate: 120, quantity: 2 }],
    })
    const first = await runCommand(['invoice', 'create', '--organization', id, '--data', data], env)
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(
      /^Invoice \S+ \(id \d+\) for Difference Engines plc: total 240, draft; contact created \(id \d+\)\n$/,
    )
    const second = await runCommand(
      ['invoice', 'create', '--organization', id, '--data', data, '--json'],
      env,
    )
    expect(JSON.parse(second.stdout)).toMatchObject({
      contactCreated: false,
      invoice: { total: 240, customer_name: 'Difference Engines plc' },
    })
  })

  it('invoice create: a wrong organisation says how to list them; misuse is exit 2', async () => {
    const { env } = await scriptEnvironment(zoho)
    const data = '{"customer":{"name":"X"},"line_items":[{"name":"Y","rate":1}]}'
    const wrong = await runCommand(['invoice', 'create', '--organization', '1', '-d', data], env)
    expect(wrong.code).toBe(1)
    expect(stderrOf(wrong)).toContain('`zoho-auth api /invoice/v3/organizations`')
    for (const [argv, message] of [
      [['invoice'], 'missing sub-command'],
      [['invoice', 'create', '--data', data], '--organization ID is required'],
      [['invoice', 'create', '--organization', '1'], '--data is required'],
      [['invoice', 'create', '--organization', '1', '-d', '[]'], 'must be a JSON object'],
      [['invoice', 'create', '--organization', '1', '-d', '{"line_items":[]}'], '"customer"'],
      [
        ['invoice', 'create', '--organization', '1', '-d', '{"customer":{"name":"X"}}'],
        '"line_items"',
      ],
      [
        [
          'invoice',
          'create',
          '--organization',
          '1',
          '-d',
          '{"customer":{"name":"X"},"line_items":[{"name":"Y"}]}',
        ],
        'line_items[0] needs "name" (text) and "rate" (a number)',
      ],
    ] as Array<[string[], string]>) {
      const run = await runCommand(argv, env)
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 })
      expect(run.stderr).toContain(message)
    }
  })
})
