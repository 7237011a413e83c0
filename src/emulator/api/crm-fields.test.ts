import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, selfClientTokens } from '../test-kit.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function fields(
  emulator: Emulator,
  token: unknown,
  query: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await emulator.fetch(
    new Request(`${BASE}/us/api/crm/v8/settings/fields${query}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Zoho-oauthtoken ${String(token)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )
  return { status: response.status, body: (await response.json()) as Json }
}

describe('/crm/v8/settings/fields', () => {
  it('GET lists a module’s fields with api_name, field_label and data_type', async () => {
    const emulator = createEmulator({ seed: 120 })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.settings.ALL' })
    const { status, body } = await fields(emulator, tokens.access_token, '?module=Deals')
    expect(status).toBe(200)
    expect(body.fields[0]).toMatchObject({
      api_name: 'Deal_Name',
      field_label: 'Deal Name',
      data_type: 'text',
    })
  })

  it('POST adds a custom field (201), which GET then lists; a repeat is DUPLICATE_DATA', async () => {
    const emulator = createEmulator({ seed: 121 })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.settings.fields.ALL' })
    const spec = { fields: [{ field_label: 'Lead Score', data_type: 'text', length: 255 }] }
    const created = await fields(emulator, tokens.access_token, '?module=Deals', spec)
    expect(created.status).toBe(201)
    expect(created.body.fields[0]).toMatchObject({
      code: 'SUCCESS',
      message: 'field created',
      status: 'success',
    })
    const listed = await fields(emulator, tokens.access_token, '?module=Deals')
    expect(listed.body.fields.at(-1)).toMatchObject({
      api_name: 'Lead_Score',
      field_label: 'Lead Score',
      custom_field: true,
      length: 255,
    })
    const again = await fields(emulator, tokens.access_token, '?module=Deals', spec)
    expect([again.status, again.body.fields[0].code]).toEqual([400, 'DUPLICATE_DATA'])
  })

  it('answers REQUIRED_PARAM_MISSING without module, INVALID_MODULE for an unknown one', async () => {
    const emulator = createEmulator({ seed: 122 })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.settings.ALL' })
    expect(await fields(emulator, tokens.access_token, '')).toEqual({
      status: 400,
      body: {
        code: 'REQUIRED_PARAM_MISSING',
        details: { param_name: 'module' },
        message: 'One of the expected parameter is missing',
        status: 'error',
      },
    })
    const unknown = await fields(emulator, tokens.access_token, '?module=Nope')
    expect([unknown.status, unknown.body.code]).toEqual([400, 'INVALID_MODULE'])
    const bad = await fields(emulator, tokens.access_token, '?module=Leads', {
      fields: [{ field_label: 'X', data_type: 'hologram' }],
    })
    expect(bad.body.fields[0].code).toBe('INVALID_DATA')
  })
})
