import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, selfClientTokens } from '../test-kit.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function invoiceApi(
  emulator: Emulator,
  token: unknown,
  path: string,
  options: { orgId?: string; body?: unknown } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${String(token)}` }
  if (options.orgId) headers['X-com-zoho-invoice-organizationid'] = options.orgId
  const response = await emulator.fetch(
    new Request(`${BASE}/us/api/invoice/v3${path}`, {
      method: options.body === undefined ? 'GET' : 'POST',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }),
  )
  return { status: response.status, body: (await response.json()) as Json }
}

describe('Zoho Invoice v3', () => {
  it('organizations, then a contact and an invoice under the organization header', async () => {
    const emulator = createEmulator({ seed: 130, now: () => Date.UTC(2026, 4, 6) })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoInvoice.fullaccess.all' })
    const token = tokens.access_token
    const orgs = await invoiceApi(emulator, token, '/organizations')
    expect(orgs.body).toMatchObject({ code: 0, message: 'success' })
    const orgId = orgs.body.organizations[0].organization_id as string
    const contact = await invoiceApi(emulator, token, '/contacts', {
      orgId,
      body: { contact_name: 'Ada Ltd' },
    })
    expect(contact.status).toBe(201)
    expect(contact.body).toMatchObject({ code: 0, message: 'The contact has been added.' })
    const invoice = await invoiceApi(emulator, token, '/invoices', {
      orgId,
      body: {
        customer_id: contact.body.contact.contact_id,
        line_items: [{ name: 'Consulting', rate: 120, quantity: 2 }],
      },
    })
    expect(invoice.status).toBe(201)
    expect(invoice.body).toMatchObject({
      code: 0,
      message: 'The invoice has been created.',
      invoice: {
        invoice_number: 'INV-000001',
        customer_name: 'Ada Ltd',
        date: '2026-05-06',
        total: 240,
      },
    })
    const listed = await invoiceApi(emulator, token, '/invoices', { orgId })
    expect(listed.body.invoices).toHaveLength(1)
  })

  it('answers code 14 for a bad token, 57 without the scope, 2 for a wrong organization', async () => {
    const emulator = createEmulator({ seed: 131 })
    expect(await invoiceApi(emulator, '1000.nope', '/organizations')).toEqual({
      status: 401,
      body: { code: 14, message: 'Invalid oauth token' },
    })
    const crmOnly = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.ALL' })
    expect(await invoiceApi(emulator, crmOnly.tokens.access_token, '/organizations')).toEqual({
      status: 401,
      body: { code: 57, message: 'You are not authorized to perform this operation' },
    })
    const { tokens } = await selfClientTokens(emulator, { scope: 'ZohoInvoice.contacts.ALL' })
    const wrongOrg = await invoiceApi(emulator, tokens.access_token, '/contacts', { orgId: '1' })
    expect(wrongOrg).toEqual({
      status: 400,
      body: { code: 2, message: 'Invalid value passed for X-com-zoho-invoice-organizationid' },
    })
  })
})
