import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, selfClientTokens } from '../test-kit.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(
  emulator: Emulator,
  token: unknown,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await emulator.fetch(
    new Request(`${BASE}/us/api${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Zoho-oauthtoken ${String(token)}` },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )
  return { status: response.status, body: (await response.json()) as Json }
}

describe('GET /crm/v8/org', () => {
  it('returns the DC’s org with a 19-digit id; needs ZohoCRM.org.READ', async () => {
    const emulator = createEmulator({ seed: 110 })
    const { tokens } = await selfClientTokens(emulator, {
      email: 'owner@example.com',
      scope: 'ZohoCRM.org.READ',
    })
    const { status, body } = await call(emulator, tokens.access_token, '/crm/v8/org')
    expect(status).toBe(200)
    expect(body.org[0].id).toMatch(/^\d{19}$/)
    expect(body.org[0].primary_email).toBe('owner@example.com')
    const narrow = await selfClientTokens(emulator, { scope: 'ZohoCRM.users.READ' })
    expect((await call(emulator, narrow.tokens.access_token, '/crm/v8/org')).body.code).toBe(
      'OAUTH_SCOPE_MISMATCH',
    )
  })
})

describe('POST /crm/v8/Leads', () => {
  it('adds records: 201 with SUCCESS, a 19-digit id and Created_Time per record', async () => {
    const emulator = createEmulator({ seed: 111, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.ALL' })
    const { status, body } = await call(emulator, tokens.access_token, '/crm/v8/Leads', {
      data: [{ Last_Name: 'Lovelace', Email: 'ada@example.com' }, { Last_Name: 'Noether' }],
      trigger: ['workflow'],
    })
    expect(status).toBe(201)
    expect(body.data).toHaveLength(2)
    expect(body.data[0]).toMatchObject({
      code: 'SUCCESS',
      message: 'record added',
      status: 'success',
      details: { Created_Time: '2026-01-02T03:04:05+00:00' },
    })
    expect(body.data[0].details.id).toMatch(/^\d{19}$/)
  })

  it('reports MANDATORY_NOT_FOUND, INVALID_DATA and DUPLICATE_DATA per record with 400', async () => {
    const emulator = createEmulator({ seed: 112 })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.leads.ALL' })
    const first = await call(emulator, tokens.access_token, '/crm/v8/Leads', {
      data: [{ Last_Name: 'Lovelace', Email: 'ada@example.com' }],
    })
    const { status, body } = await call(emulator, tokens.access_token, '/crm/v8/Leads', {
      data: [
        { First_Name: 'Ada' },
        { Last_Name: 'X', Email: 'not-an-email' },
        { Last_Name: 'Y', Email: 'ada@example.com' },
      ],
    })
    expect(status).toBe(400)
    expect(body.data).toEqual([
      {
        code: 'MANDATORY_NOT_FOUND',
        details: { api_name: 'Last_Name', json_path: '$.data[0].Last_Name' },
        message: 'required field not found',
        status: 'error',
      },
      {
        code: 'INVALID_DATA',
        details: { expected_data_type: 'email', api_name: 'Email', json_path: '$.data[1].Email' },
        message: 'invalid data',
        status: 'error',
      },
      {
        code: 'DUPLICATE_DATA',
        details: {
          api_name: 'Email',
          json_path: '$.data[2].Email',
          duplicate_record: { id: first.body.data[0].details.id },
        },
        message: 'duplicate data',
        status: 'error',
      },
    ])
  })

  it('refuses more than 100 records, no data, and a token without a Leads scope', async () => {
    const emulator = createEmulator({ seed: 113 })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.ALL' })
    const many = Array.from({ length: 101 }, (_, i) => ({ Last_Name: `L${i}` }))
    const tooMany = await call(emulator, tokens.access_token, '/crm/v8/Leads', { data: many })
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'LIMIT_EXCEEDED'])
    const none = await call(emulator, tokens.access_token, '/crm/v8/Leads', { data: [] })
    expect([none.status, none.body.code]).toEqual([400, 'MANDATORY_NOT_FOUND'])
    const garbage = await call(emulator, tokens.access_token, '/crm/v8/Leads', '{nope')
    expect([garbage.status, garbage.body.code]).toEqual([400, 'INVALID_DATA'])
    const users = await selfClientTokens(emulator, { scope: 'ZohoCRM.users.READ' })
    const refused = await call(emulator, users.tokens.access_token, '/crm/v8/Leads', {
      data: [{ Last_Name: 'L' }],
    })
    expect([refused.status, refused.body.code]).toEqual([401, 'OAUTH_SCOPE_MISMATCH'])
  })
})

describe('GET /crm/v8/Leads/{id}', () => {
  it('answers the stored record in data[]; an unknown id is INVALID_DATA; needs a Leads read scope', async () => {
    const emulator = createEmulator({ seed: 113, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.ALL' })
    const added = await call(emulator, tokens.access_token, '/crm/v8/Leads', {
      data: [{ First_Name: 'Ada', Last_Name: 'Lovelace', Email: 'ada@example.com' }],
    })
    const id = added.body.data[0].details.id as string
    const { status, body } = await call(emulator, tokens.access_token, `/crm/v8/Leads/${id}`)
    expect(status).toBe(200)
    expect(body).toEqual({
      data: [
        {
          First_Name: 'Ada',
          Last_Name: 'Lovelace',
          Email: 'ada@example.com',
          id,
          Created_Time: '2026-01-02T03:04:05+00:00',
        },
      ],
    })
    const unknown = await call(emulator, tokens.access_token, '/crm/v8/Leads/1234567890123456789')
    expect([unknown.status, unknown.body]).toEqual([
      400,
      {
        code: 'INVALID_DATA',
        details: { id: '1234567890123456789' },
        message: 'the related id given seems to be invalid',
        status: 'error',
      },
    ])
    const narrow = await selfClientTokens(emulator, { scope: 'ZohoCRM.users.READ' })
    const refused = await call(emulator, narrow.tokens.access_token, `/crm/v8/Leads/${id}`)
    expect(refused.body.code).toBe('OAUTH_SCOPE_MISMATCH')
  })
})
