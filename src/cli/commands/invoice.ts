import { createInvoice, type CreateInvoiceInput, type InvoiceLineItem } from '../../api/invoice.js'
import { API_OPTIONS, API_USAGE, withApiClient } from '../api-session.js'
import { CONFIG_USAGE, parseFlags } from '../args.js'
import { UsageError, type Command } from '../command.js'
import { readJsonData } from '../data-input.js'

const CREATE_OPTIONS = {
  ...API_OPTIONS,
  organization: { type: 'string' },
  data: { type: 'string', short: 'd' },
  json: { type: 'boolean' },
} as const

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `{customer: {name, email?}, line_items: [{name, rate, quantity?}], …other invoice fields}`. */
export function invoiceInput(data: unknown, organizationId: string): CreateInvoiceInput {
  if (!isObject(data)) throw new UsageError('--data must be a JSON object (see --help)')
  const { customer, line_items: lineItems, ...fields } = data
  if (!isObject(customer) || typeof customer.name !== 'string' || customer.name.trim() === '') {
    throw new UsageError('--data needs "customer": {"name": "…", "email": "…"} (email optional)')
  }
  if (customer.email !== undefined && typeof customer.email !== 'string') {
    throw new UsageError('--data: "customer.email" must be a string')
  }
  if (!Array.isArray(lineItems) || lineItems.length === 0) {
    throw new UsageError('--data needs "line_items": [{"name": "…", "rate": 120, "quantity": 1}]')
  }
  lineItems.forEach((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string' || typeof item.rate !== 'number') {
      throw new UsageError(`--data: line_items[${i}] needs "name" (text) and "rate" (a number)`)
    }
  })
  return {
    organizationId,
    customer: { name: customer.name, email: customer.email },
    lineItems: lineItems as InvoiceLineItem[],
    fields,
  }
}

/** `zoho-auth invoice create`: an invoice, for a contact found (or created) by email or name. */
export const invoiceCommand: Command = {
  name: 'invoice',
  usage: `Usage: zoho-auth invoice create --organization ID --data JSON|@file|@- [--json]

Creates a Zoho Invoice invoice. The customer is found among the organisation's contacts
by email (else by exact name) and created when there is none. --data:
  {
    "customer": {"name": "Difference Engines plc", "email": "ap@difference.example"},
    "line_items": [{"name": "Consultation", "rate": 120, "quantity": 2}],
    "date": "2025-01-31"            (any other invoice field is passed on as is)
  }
--organization is the organization_id; list yours with
  zoho-auth api /invoice/v3/organizations
The connection needs Zoho Invoice scopes (e.g. ZohoInvoice.fullaccess.all).

Options:
  --organization ID   the Zoho Invoice organization_id
  -d, --data DATA     the invoice: JSON text, @file, or @- for standard input
  --json              print the invoice, the contact and whether it was created, as JSON
${API_USAGE}

${CONFIG_USAGE}`,
  subcommands: { create: CREATE_OPTIONS },
  async run(ctx) {
    const [sub, ...rest] = ctx.argv
    if (sub !== 'create') {
      throw new UsageError(sub ? `unknown sub-command "invoice ${sub}"` : 'missing sub-command')
    }
    const { values } = parseFlags(rest, CREATE_OPTIONS)
    const organizationId = values.organization?.trim()
    if (!organizationId) {
      throw new UsageError(
        '--organization ID is required; list yours with zoho-auth api /invoice/v3/organizations',
      )
    }
    if (values.data === undefined) throw new UsageError('--data is required (see --help)')
    const input = invoiceInput(await readJsonData(values.data, ctx), organizationId)
    const created = await withApiClient(ctx, values, (client) => createInvoice(client, input))
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(created, null, 2)}\n`)
      return 0
    }
    const { invoice, contact, contactCreated } = created
    const status = typeof invoice.status === 'string' ? `, ${invoice.status}` : ''
    ctx.stdout.write(
      `Invoice ${invoice.invoice_number} (id ${invoice.invoice_id}) for ${contact.contact_name}: total ${invoice.total}${status}; contact ${contactCreated ? 'created' : 'found'} (id ${contact.contact_id})\n`,
    )
    return 0
  },
}
