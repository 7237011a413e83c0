import { afterEach, describe, expect, it } from 'vitest'
import { BASE, brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

const FORM = {
  name: 'Grace Brewster Hopper',
  email: 'grace@example.com',
  phone: '+1 555 0100',
  interest: 'A consultation about compilers',
}

async function leadInCRM(id: string): Promise<Json> {
  const token = await harness.deps.manager.getToken('acme')
  const response = await harness.emulator.fetch(
    new Request(`${BASE}/us/api/crm/v8/Leads/${id}`, {
      headers: { authorization: `Zoho-oauthtoken ${token.accessToken}` },
    }),
  )
  return ((await response.json()) as { data: Json[] }).data[0] ?? {}
}

describe('POST /api/v1/connections/:id/leads', () => {
  it('creates the CRM lead the form describes and answers 201 with its id', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const response = await send(harness, 'POST', '/api/v1/connections/acme/leads', FORM)
    expect(response.status).toBe(201)
    const body = (await response.json()) as Json
    expect(body).toEqual({ id: expect.any(String), code: 'SUCCESS', message: 'record added' })
    expect(await leadInCRM(String(body.id))).toMatchObject({
      First_Name: 'Grace',
      Last_Name: 'Brewster Hopper',
      Email: 'grace@example.com',
      Phone: '+1 555 0100',
      Description: 'A consultation about compilers',
    })
  })

  it("answers CRM's refusal of the record with 422 and CRM's code intact", async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    expect((await send(harness, 'POST', '/api/v1/connections/acme/leads', FORM)).status).toBe(201)
    const duplicate = await expectError(
      await send(harness, 'POST', '/api/v1/connections/acme/leads', FORM),
      422,
      'DUPLICATE_DATA',
    )
    expect(duplicate.details).toMatchObject({ api_name: 'Email' })
    expect(duplicate.remedy).toContain('already exists')
    const invalid = await expectError(
      await send(harness, 'POST', '/api/v1/connections/acme/leads', {
        name: 'Ada',
        email: 'not an email',
      }),
      422,
      'INVALID_DATA',
    )
    expect(invalid.details).toMatchObject({ api_name: 'Email', expected_data_type: 'email' })
  })

  it('refuses a bad form with 400 before calling CRM', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cases: Array<[Json, string]> = [
      [{ email: 'a@example.com' }, 'Field "name" is missing or empty'],
      [{ name: '  ', email: 'a@example.com' }, 'Field "name" is missing or empty'],
      [{ name: 'Ada' }, 'Field "email" is missing or empty'],
      [{ name: 'Ada', email: 'a@example.com', phone: 5550100 }, 'Field "phone" must be a string'],
      [{ name: 'Ada', email: 'a@example.com', company: 'X' }, 'Unknown field "company"'],
    ]
    const apiCalls = Number((await harness.control('stats')).api)
    for (const [body, message] of cases) {
      const error = await expectError(
        await send(harness, 'POST', '/api/v1/connections/acme/leads', body),
        400,
        'ERR_BAD_REQUEST',
      )
      expect(error.message).toBe(message)
    }
    expect(Number((await harness.control('stats')).api)).toBe(apiCalls)
  })

  it('answers 403 ERR_API_SCOPE when the grant cannot create leads, and 404 for no connection', async () => {
    harness = await brokerHarness()
    await harness.connect('reader', 'ZohoCRM.users.READ')
    const error = await expectError(
      await send(harness, 'POST', '/api/v1/connections/reader/leads', FORM),
      403,
      'ERR_API_SCOPE',
    )
    expect(error.remedy).toContain('ZohoCRM.modules.leads.CREATE')
    await expectError(
      await send(harness, 'POST', '/api/v1/connections/nobody/leads', FORM),
      404,
      'ERR_CONNECTION_NOT_FOUND',
    )
  })
})
