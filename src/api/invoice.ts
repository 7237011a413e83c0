/**
 * Zoho Invoice recipes: organisations, find-or-create a contact, create an invoice. Every call
 * names its organisation in `X-com-zoho-invoice-organizationid` (docs/zoho-behaviour.md §5).
 *
 * @see https://www.zoho.com/invoice/api/v3/
 */
import type { ZohoApiClient } from './client.js'

/**
 * The header that picks the Invoice organisation of a call.
 *
 * @see https://www.zoho.com/invoice/api/v3/#organization-id
 */
export const INVOICE_ORGANIZATION_HEADER = 'X-com-zoho-invoice-organizationid'

// Zoho Invoice lists 200 contacts per page; a search narrows it, and this bounds the walk.
const MAX_CONTACT_PAGES = 50

/**
 * An Invoice organisation.
 *
 * @see https://www.zoho.com/invoice/api/v3/organizations/
 */
export interface InvoiceOrganization {
  organization_id: string
  name: string
  [field: string]: unknown
}

/**
 * An Invoice contact (the fields recipes use).
 *
 * @see https://www.zoho.com/invoice/api/v3/contacts/
 */
export interface InvoiceContact {
  contact_id: string
  contact_name: string
  email?: string
  [field: string]: unknown
}

/**
 * An invoice as Zoho Invoice answers it.
 *
 * @see https://www.zoho.com/invoice/api/v3/invoices/
 */
export interface Invoice {
  invoice_id: string
  invoice_number: string
  customer_id: string
  total: number
  [field: string]: unknown
}

/**
 * One line of an invoice.
 *
 * @see https://www.zoho.com/invoice/api/v3/invoices/#create-an-invoice
 */
export interface InvoiceLineItem {
  name: string
  rate: number
  quantity?: number
  description?: string
  item_id?: string
  [field: string]: unknown
}

/**
 * The customer an invoice is for: matched by email when given, else by exact name.
 *
 * @see https://www.zoho.com/invoice/api/v3/contacts/
 */
export interface InvoiceCustomer {
  name: string
  email?: string | undefined
}

function orgHeaders(organizationId: string): Record<string, string> {
  return { [INVOICE_ORGANIZATION_HEADER]: organizationId }
}

/**
 * The Invoice organisations the connection's user belongs to (where `organization_id` comes from).
 *
 * @see https://www.zoho.com/invoice/api/v3/organizations/#list-organizations
 */
export async function listInvoiceOrganizations(
  client: ZohoApiClient,
): Promise<InvoiceOrganization[]> {
  const { data } = await client.get('/invoice/v3/organizations', {
    scope: 'ZohoInvoice.settings.READ',
  })
  const list = (data as { organizations?: unknown } | undefined)?.organizations
  return Array.isArray(list) ? (list as InvoiceOrganization[]) : []
}

function emailsOf(contact: InvoiceContact): string[] {
  const persons = Array.isArray(contact.contact_persons) ? contact.contact_persons : []
  const emails = persons.map((p) => (p as { email?: unknown }).email)
  return [contact.email, ...emails]
    .filter((e): e is string => typeof e === 'string')
    .map((e) => e.toLowerCase())
}

function isCustomer(contact: InvoiceContact, customer: InvoiceCustomer): boolean {
  if (customer.email) return emailsOf(contact).includes(customer.email.trim().toLowerCase())
  return contact.contact_name.trim().toLowerCase() === customer.name.trim().toLowerCase()
}

/**
 * The contact for `customer`, created when none matches. The search is narrowed by Zoho's own
 * filter and the match checked here exactly (a filter Zoho ignores cannot pick the wrong one).
 *
 * @see https://www.zoho.com/invoice/api/v3/contacts/#list-contacts
 */
export async function findOrCreateContact(
  client: ZohoApiClient,
  organizationId: string,
  customer: InvoiceCustomer,
): Promise<{ contact: InvoiceContact; created: boolean }> {
  const headers = orgHeaders(organizationId)
  const filter = customer.email
    ? { email: customer.email.trim() }
    : { contact_name: customer.name.trim() }
  for (let page = 1; page <= MAX_CONTACT_PAGES; page++) {
    const { data } = await client.get('/invoice/v3/contacts', {
      headers,
      query: { ...filter, page },
      scope: 'ZohoInvoice.contacts.READ',
    })
    const body = data as { contacts?: unknown; page_context?: { has_more_page?: unknown } }
    const contacts = Array.isArray(body?.contacts) ? (body.contacts as InvoiceContact[]) : []
    const match = contacts.find((contact) => isCustomer(contact, customer))
    if (match) return { contact: match, created: false }
    if (body?.page_context?.has_more_page !== true) break
  }
  const { data } = await client.post('/invoice/v3/contacts', {
    headers,
    json: {
      contact_name: customer.name.trim(),
      ...(customer.email
        ? { contact_persons: [{ email: customer.email.trim(), is_primary_contact: true }] }
        : {}),
    },
    scope: 'ZohoInvoice.contacts.CREATE',
  })
  return { contact: (data as { contact: InvoiceContact }).contact, created: true }
}

/**
 * What to invoice.
 *
 * @see https://www.zoho.com/invoice/api/v3/invoices/#create-an-invoice
 */
export interface CreateInvoiceInput {
  organizationId: string
  customer: InvoiceCustomer
  lineItems: InvoiceLineItem[]
  /** Any other invoice fields (`date`, `due_date`, `reference_number`, `notes`, …). */
  fields?: Record<string, unknown>
}

/**
 * Creates an invoice for the customer, finding or creating its contact first.
 *
 * @see https://www.zoho.com/invoice/api/v3/invoices/#create-an-invoice
 */
export async function createInvoice(
  client: ZohoApiClient,
  input: CreateInvoiceInput,
): Promise<{ invoice: Invoice; contact: InvoiceContact; contactCreated: boolean }> {
  const { contact, created } = await findOrCreateContact(
    client,
    input.organizationId,
    input.customer,
  )
  const { data } = await client.post('/invoice/v3/invoices', {
    headers: orgHeaders(input.organizationId),
    json: { ...input.fields, customer_id: contact.contact_id, line_items: input.lineItems },
    scope: 'ZohoInvoice.invoices.CREATE',
  })
  return { invoice: (data as { invoice: Invoice }).invoice, contact, contactCreated: created }
}
