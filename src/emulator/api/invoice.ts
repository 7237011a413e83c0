/**
 * Zoho Invoice v3: organizations, contacts and invoices. Errors in Invoice's own format,
 * `{code, message}` with `code: 0` for success (docs/zoho-behaviour.md §5); the organization is
 * chosen by the `X-com-zoho-invoice-organizationid` header.
 *
 * @see https://www.zoho.com/invoice/api/v3/
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import type { AccessToken, Org } from '../state.js'
import { jsonObject, orgOf } from './org.js'
import { registerApiRoute, type ApiErrors } from './route.js'

type Json = Record<string, unknown>

function invoiceError(
  c: Context,
  status: 400 | 401 | 404,
  code: number,
  message: string,
): Response {
  return c.json({ code, message }, status)
}

export const INVOICE_ERRORS: ApiErrors = {
  invalidToken: (c) => invoiceError(c, 401, 14, 'Invalid oauth token'),
  scopeMismatch: (c) =>
    invoiceError(c, 401, 57, 'You are not authorized to perform this operation'),
}

// Code 2 "Invalid value passed for …" is inferred: Zoho documents the format, not this case.
const invalid = (c: Context, what: string): Response =>
  invoiceError(c, 400, 2, `Invalid value passed for ${what}`)

/** The org named by the header, if it is this DC's; else an error answer. */
function orgFor(c: Context, ctx: EmulatorContext, token: AccessToken): Org | Response {
  const org = orgOf(ctx, token.dc)
  const wanted = c.req.header('X-com-zoho-invoice-organizationid') ?? c.req.query('organization_id')
  return wanted === org.invoiceOrgId ? org : invalid(c, 'X-com-zoho-invoice-organizationid')
}

async function addContact(c: Context, ctx: EmulatorContext, token: AccessToken): Promise<Response> {
  const org = orgFor(c, ctx, token)
  if (org instanceof Response) return org
  const body = await jsonObject(c.req.json())
  if (typeof body?.contact_name !== 'string' || body.contact_name.trim() === '') {
    return invalid(c, 'contact_name')
  }
  const contact: Json = {
    ...body,
    contact_id: ctx.random.digits(19),
    contact_name: body.contact_name,
    contact_type: 'customer',
    status: 'active',
  }
  org.contacts.push(contact)
  return c.json({ code: 0, message: 'The contact has been added.', contact }, 201)
}

async function addInvoice(c: Context, ctx: EmulatorContext, token: AccessToken): Promise<Response> {
  const org = orgFor(c, ctx, token)
  if (org instanceof Response) return org
  const body = await jsonObject(c.req.json())
  const customer = org.contacts.find((contact) => contact.contact_id === body?.customer_id)
  if (!body || !customer) return invalid(c, 'customer_id')
  const items = body.line_items
  if (!Array.isArray(items) || items.length === 0) return invalid(c, 'line_items')
  let total = 0
  const lineItems = items.map((item: unknown) => {
    const line = (typeof item === 'object' && item !== null ? item : {}) as Json
    const rate = typeof line.rate === 'number' ? line.rate : 0
    const quantity = typeof line.quantity === 'number' ? line.quantity : 1
    total += rate * quantity
    return {
      ...line,
      line_item_id: ctx.random.digits(19),
      rate,
      quantity,
      item_total: rate * quantity,
    }
  })
  const invoice: Json = {
    invoice_id: ctx.random.digits(19),
    invoice_number: `INV-${String(org.invoices.length + 1).padStart(6, '0')}`,
    status: 'draft',
    date: new Date(ctx.clock.now()).toISOString().slice(0, 10),
    customer_id: customer.contact_id,
    customer_name: customer.contact_name,
    line_items: lineItems,
    total,
  }
  org.invoices.push(invoice)
  return c.json({ code: 0, message: 'The invoice has been created.', invoice }, 201)
}

function list(
  c: Context,
  ctx: EmulatorContext,
  token: AccessToken,
  key: 'contacts' | 'invoices',
): Response {
  const org = orgFor(c, ctx, token)
  if (org instanceof Response) return org
  return c.json({ code: 0, message: 'success', [key]: org[key] })
}

export function registerInvoiceRoutes(app: Hono, ctx: EmulatorContext): void {
  const route = (
    method: 'GET' | 'POST',
    path: string,
    scope: string,
    handle: (c: Context, token: AccessToken) => Response | Promise<Response>,
  ): void =>
    registerApiRoute(app, ctx, {
      method,
      path: `/invoice/v3${path}`,
      scope,
      errors: INVOICE_ERRORS,
      handle: ({ c, token }) => handle(c, token),
    })
  route('GET', '/organizations', 'ZohoInvoice.settings.READ', (c, token) => {
    const org = orgOf(ctx, token.dc)
    return c.json({
      code: 0,
      message: 'success',
      organizations: [
        { organization_id: org.invoiceOrgId, name: org.companyName, is_default_org: true },
      ],
    })
  })
  route('POST', '/contacts', 'ZohoInvoice.contacts.CREATE', (c, token) => addContact(c, ctx, token))
  route('GET', '/contacts', 'ZohoInvoice.contacts.READ', (c, token) =>
    list(c, ctx, token, 'contacts'),
  )
  route('POST', '/invoices', 'ZohoInvoice.invoices.CREATE', (c, token) => addInvoice(c, ctx, token))
  route('GET', '/invoices', 'ZohoInvoice.invoices.READ', (c, token) =>
    list(c, ctx, token, 'invoices'),
  )
  // Inferred: Invoice's answer to a path it does not know, in its own format.
  app.all('/:dc/api/invoice/*', (c) => invoiceError(c, 404, 5, 'Invalid URL Passed'))
}
