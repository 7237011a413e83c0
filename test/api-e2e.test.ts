/**
 * The API client as a script uses it: connectZoho reads the CLI's configuration and store, and
 * talks to the emulator over a real socket. The seed scenarios end to end: a lead from a
 * consultation form, a missing deal field detected and then created once, an invoice.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  auditFields,
  connectZoho,
  createInvoice,
  createLeads,
  currentUser,
  ensureField,
  ERR_CONFIG,
  ERR_CONNECTION_NOT_FOUND,
  leadFromConsultation,
  listInvoiceOrganizations,
  type ZohoConnection,
} from '../src/index.js'
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

const quiet = { write: () => undefined }

async function connect(
  env: Record<string, string>,
  dir: string,
  connection?: string,
): Promise<ZohoConnection> {
  return connectZoho({ env, cwd: dir, stderr: quiet, ...(connection ? { connection } : {}) })
}

describe('connectZoho', () => {
  it('connectZoho: reads .env like the CLI, opens its store, and serves the default connection', async () => {
    const { env, dir, email } = await scriptEnvironment(zoho)
    // The settings live in .env only, as they do for most script users.
    writeFileSync(
      join(dir, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    )
    const script = await connectZoho({ env: { HOME: dir }, cwd: dir, stderr: quiet })
    try {
      expect(script.connectionId).toBe('default')
      expect(script.config.emulatorURL).toBe(zoho.url)
      expect(await currentUser(script.client)).toMatchObject({ email })
    } finally {
      await script.close()
    }
  })

  it('connectZoho: a connection that does not exist is a ConnectionNotFoundError, and the store is closed', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    await expect(connect(env, dir, 'billing')).rejects.toMatchObject({
      code: ERR_CONNECTION_NOT_FOUND,
    })
  })

  it('connectZoho: several connections and none default: the CLI’s error listing them', async () => {
    const { env, dir } = await scriptEnvironment(zoho, { connection: 'sales' })
    const code = await zoho.selfClientCode({
      client_id: env.ZOHO_CLIENT_ID ?? '',
      scope: 'ZohoCRM.users.READ',
      email: (await zoho.user('second@example.com')).email,
    })
    expect(
      (await runCommand(['exchange', '--code', code, '--connection', 'support'], env)).code,
    ).toBe(0)
    await expect(connect(env, dir)).rejects.toMatchObject({
      code: ERR_CONFIG,
      remedy:
        'Pick one for every command: zoho-auth connections use NAME (one of: sales, support), or pass --connection NAME.',
    })
    const named = await connect(env, dir, 'support')
    expect(named.connectionId).toBe('support')
    await named.close()
  })
})

describe('seed scenarios over a socket', () => {
  it('seed: a lead created from a consultation form’s fields', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const script = await connect(env, dir)
    try {
      const form = {
        name: 'Ada Lovelace',
        email: 'ada.lead@example.com',
        phone: '+44 20 7946 0018',
        interest: 'Engine design review',
      }
      const outcome = await createLeads(script.client, [leadFromConsultation(form)])
      expect(outcome).toMatchObject({ created: 1, failed: 0 })
      expect(outcome.results[0]).toMatchObject({ ok: true, code: 'SUCCESS' })
      // The same form again: CRM's duplicate check answers per record.
      const again = await createLeads(script.client, [leadFromConsultation(form)])
      expect(again.results[0]).toMatchObject({
        ok: false,
        code: 'DUPLICATE_DATA',
        details: { api_name: 'Email' },
      })
    } finally {
      await script.close()
    }
  })

  it('seed: a missing deal field is detected, then created once; a second run changes nothing', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const required = ['Deal_Name', 'Amount', 'StrategicPartnerId']
    const run = async (): Promise<{ missing: string[]; status: string }> => {
      const script = await connect(env, dir)
      try {
        const { missing } = await auditFields(script.client, 'Deals', required)
        const { status } = await ensureField(script.client, 'Deals', {
          label: 'StrategicPartnerId',
          type: 'text',
        })
        return { missing, status }
      } finally {
        await script.close()
      }
    }
    expect(await run()).toEqual({ missing: ['StrategicPartnerId'], status: 'created' })
    expect(await run()).toEqual({ missing: [], status: 'exists' })
  })

  it('seed: an invoice created for a contact found or created by email', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const script = await connect(env, dir)
    try {
      const [org] = await listInvoiceOrganizations(script.client)
      const { invoice, contactCreated } = await createInvoice(script.client, {
        organizationId: org?.organization_id ?? '',
        customer: { name: 'Difference Engines plc', email: 'ap@difference.example' },
        lineItems: [{ name: 'Consultation', rate: 120, quantity: 2 }],
      })
      expect(contactCreated).toBe(true)
      expect(invoice).toMatchObject({
        customer_name: 'Difference Engines plc',
        total: 240,
        status: 'draft',
      })
    } finally {
      await script.close()
    }
  })
})

describe('ZohoApiClient over a socket', () => {
  it('ZohoApiClient: 100 concurrent calls after Zoho expired the token: one refresh, all succeed', async () => {
    const { env, dir, client } = await scriptEnvironment(zoho)
    const script = await connect(env, dir)
    try {
      await zoho.control('clock', { advance_seconds: 3700 })
      const before = (await zoho.stats()).by_client[client.client_id]?.token_endpoint.refresh_token
      const results = await Promise.all(
        Array.from({ length: 100 }, () => currentUser(script.client)),
      )
      expect(results.every((user) => user !== null)).toBe(true)
      const after = (await zoho.stats()).by_client[client.client_id]?.token_endpoint.refresh_token
      expect((after ?? 0) - (before ?? 0)).toBe(1)
    } finally {
      await script.close()
    }
  })

  it('ZohoApiClient: a streamed upload (duplex half) is replayed after a refused token over a real socket', async () => {
    const { env, dir, client } = await scriptEnvironment(zoho)
    const script = await connect(env, dir)
    try {
      await zoho.control('clock', { advance_seconds: 3700 })
      const json = JSON.stringify({
        data: [{ Last_Name: 'Streamed', Email: 'stream@example.com' }],
      })
      const bytes = new TextEncoder().encode(json)
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, 20))
          controller.enqueue(bytes.slice(20))
          controller.close()
        },
      })
      const { status, data } = await script.client.post<{ data: { code: string }[] }>(
        '/crm/v8/Leads',
        {
          body,
          headers: { 'content-type': 'application/json' },
        },
      )
      expect(status).toBe(201)
      expect(data.data[0]?.code).toBe('SUCCESS')
      expect((await zoho.stats()).by_client[client.client_id]?.token_endpoint.refresh_token).toBe(1)
    } finally {
      await script.close()
    }
  })
})
