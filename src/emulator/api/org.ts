/**
 * The emulator's org: one per DC, created on first use, shared by CRM and Invoice.
 */
import type { EmulatorContext } from '../context.js'
import type { Dc } from '../dcs.js'
import { newRecordId } from '../random.js'
import type { Org } from '../state.js'

export function orgOf(ctx: EmulatorContext, dc: Dc): Org {
  let org = ctx.state.orgs.get(dc)
  if (!org) {
    org = {
      id: newRecordId(ctx.random),
      invoiceOrgId: ctx.random.digits(9),
      companyName: `Emulated Org (${dc})`,
      leads: [],
      customFields: new Map(),
      invoices: [],
      contacts: [],
    }
    ctx.state.orgs.set(dc, org)
  }
  return org
}

/** The request's JSON body, or undefined when it is not a JSON object. */
export async function jsonObject(
  body: Promise<unknown>,
): Promise<Record<string, unknown> | undefined> {
  try {
    const value = await body
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
