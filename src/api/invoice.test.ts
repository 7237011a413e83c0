import { afterEach, describe, expect, it } from 'vitest'
import { ERR_ZOHO_API } from './errors.js'
import { createInvoice, findOrCreateContact, listInvoiceOrganizations } from './invoice.js'
import { apiHarness, type Harness } from './test-support.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function organizationId(harness: Harness): Promise<string> {
  const [org] = await listInvoiceOrganizations(harness.client)
  return org?.organization_id ?? ''
}

describe('createInvoice', () => {
  it('createInvoice: creates the contact, then the invoice, naming the organisation in the header', async () => {
    h = await apiHarness()
    const org = await organizationId(h)
    const { invoice, contact, contactCreated } = await createInvoice(h.client, {
      organizationId: org,
      customer: { name: 'Analytical Engines Ltd', email: 'billing@analytical.example' },
      lineItems: [
        { name: 'Consulting', rate: 150, quantity: 4 },
        { name: 'Travel', rate: 80 },
      ],
      fields: { reference_number: 'PO-7' },
    })
    expect(contactCreated).toBe(true)
    expect(contact.contact_name).toBe('Analytical Engines Ltd')
    expect(invoice).toMatchObject({
      customer_id: contact.contact_id,
      total: 680,
      invoice_number: 'INV-000001',
    })
    const invoiceRequests = h.apiRequests.filter((r) =>
      /\/invoice\/v3\/(contacts|invoices)/.test(r.url),
    )
    expect(invoiceRequests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'GET /us/api/invoice/v3/contacts',
      'POST /us/api/invoice/v3/contacts',
      'POST /us/api/invoice/v3/invoices',
    ])
    expect(
      invoiceRequests.every((r) => r.headers.get('X-com-zoho-invoice-organizationid') === org),
    ).toBe(true)
    expect(await invoiceRequests.at(-1)?.json()).toMatchObject({ reference_number: 'PO-7' })
  })

  it('createInvoice: a second invoice for the same customer finds the contact instead of creating another', async () => {
    h = await apiHarness()
    const org = await organizationId(h)
    const customer = { name: 'Babbage & Co', email: 'Accounts@Babbage.example' }
    const first = await createInvoice(h.client, {
      organizationId: org,
      customer,
      lineItems: [{ name: 'A', rate: 1 }],
    })
    const second = await createInvoice(h.client, {
      organizationId: org,
      customer: { ...customer, email: 'accounts@babbage.example' },
      lineItems: [{ name: 'B', rate: 2 }],
    })
    expect(second.contactCreated).toBe(false)
    expect(second.contact.contact_id).toBe(first.contact.contact_id)
    expect(second.invoice.invoice_number).toBe('INV-000002')
  })

  it('findOrCreateContact: without an email the name must match exactly (case aside)', async () => {
    h = await apiHarness()
    const org = await organizationId(h)
    const made = await findOrCreateContact(h.client, org, { name: 'Lovelace Ltd' })
    expect(made.created).toBe(true)
    expect((await findOrCreateContact(h.client, org, { name: 'lovelace ltd' })).created).toBe(false)
    expect((await findOrCreateContact(h.client, org, { name: 'Lovelace Ltd.' })).created).toBe(true)
  })

  it('createInvoice: a wrong organisation id is a ZohoApiError with Invoice’s code 2', async () => {
    h = await apiHarness()
    await expect(
      createInvoice(h.client, {
        organizationId: '42',
        customer: { name: 'X' },
        lineItems: [{ name: 'A', rate: 1 }],
      }),
    ).rejects.toMatchObject({ code: ERR_ZOHO_API, zohoCode: 2, product: 'invoice' })
  })
})
