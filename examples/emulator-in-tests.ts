/**
 * Testing your own Zoho code against the emulator, as LocalStack does for AWS (docs/testing.md):
 * one emulator for the file, reset before each test, seeded through its control API, with a
 * fault, a token that dies early, and the emulator's count of refreshes.
 * Run it with Node's test runner: `npx tsx --test examples/emulator-in-tests.ts`. In vitest or
 * jest the hooks are the same (before → beforeAll, after → afterAll).
 */
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import {
  createLeads,
  emulatorDataCenters,
  leadFromConsultation,
  MemoryStore,
  TokenManager,
  ZohoApiClient,
  type ConsultationForm,
} from 'zoho-auth'
import { startEmulator, type RunningEmulator } from 'zoho-auth/emulator'

/** The code under test — yours: files a consultation form as a CRM lead, returns its id. */
async function fileConsultation(zoho: ZohoApiClient, form: ConsultationForm): Promise<string> {
  const { results } = await createLeads(zoho, [leadFromConsultation(form)])
  const [result] = results
  if (!result?.ok) throw new Error(`lead not created: ${result?.code ?? 'no result'}`)
  return result.id
}

let emulator: RunningEmulator
let zoho: ZohoApiClient

/** The emulator's control API: JSON in, JSON out, an error for anything but 2xx. */
async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (!response.ok) throw new Error(`emulator ${path}: ${JSON.stringify(json)}`)
  return json
}

/** How many refresh_token grants the emulator has answered. */
async function refreshes(): Promise<number> {
  const stats = (await control('stats')) as { token_endpoint: { refresh_token?: number } }
  return stats.token_endpoint.refresh_token ?? 0
}

before(async () => {
  emulator = await startEmulator({ port: 0 }) // a free port on 127.0.0.1
})
after(async () => {
  await emulator.close()
})

beforeEach(async () => {
  // Every test starts from nothing: clients, users, tokens, settings, faults, stats and clock.
  await control('reset', {})
  const client = (await control('clients', { type: 'self', redirect_uris: [] })) as {
    client_id: string
    client_secret: string
  }
  await control('users', { email: 'ada@example.com', dc: 'us' })
  const { code } = (await control('self-client/code', {
    client_id: client.client_id,
    scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
    email: 'ada@example.com',
  })) as { code: string }
  const manager = new TokenManager({
    store: new MemoryStore(),
    client: { clientId: client.client_id, clientSecret: client.client_secret },
    dataCenters: emulatorDataCenters(emulator.url), // Zoho's nine DCs, served by the emulator
    allowInsecureHTTP: true, // the emulator speaks plain HTTP on loopback
  })
  await manager.createFromCode({ id: 'default', code })
  zoho = new ZohoApiClient({ manager, connectionId: 'default', allowInsecureHTTP: true })
})

describe('fileConsultation', () => {
  it('creates a lead from the form, and CRM has it', async () => {
    const id = await fileConsultation(zoho, { name: 'Ada Lovelace', email: 'ada@example.org' })
    const { data } = await zoho.get(`/crm/v8/Leads/${id}`)
    const [lead] = (data as { data: Array<Record<string, unknown>> }).data
    assert.equal(lead?.Last_Name, 'Lovelace')
    assert.equal(lead?.Email, 'ada@example.org')
  })

  it('survives a token Zoho stopped honouring early: one refresh, then the lead', async () => {
    // An hour on at the emulator: it now thinks the token expired; the client still trusts it.
    await control('clock', { advance_seconds: 3600 })
    const before = await refreshes()
    await fileConsultation(zoho, { name: 'Grace Hopper', email: 'grace@example.org' })
    assert.equal((await refreshes()) - before, 1)
  })

  it('reports a CRM outage instead of filing the lead twice', async () => {
    // One 503 on the insert: a POST is never retried, as it may have been created anyway.
    const body =
      '{"code":"INTERNAL_ERROR","details":{},"message":"Service unavailable","status":"error"}'
    await control('faults', { path: '/crm/v8/Leads', status: 503, body, count: 1 })
    await assert.rejects(fileConsultation(zoho, { name: 'Alan Turing', email: 'at@example.org' }), {
      code: 'ERR_ZOHO_API',
      status: 503,
    })
  })
})
