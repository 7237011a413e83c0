import { afterEach, describe, expect, it } from 'vitest'
import { ERR_ZOHO_API } from './errors.js'
import { auditFields, ensureField, listFields } from './crm-fields.js'
import { currentUser, crmOrg } from './crm.js'
import { apiHarness, type Harness } from './test-support.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('auditFields', () => {
  it('auditFields: finds required fields by API name or label, case-insensitively, and lists the missing', async () => {
    h = await apiHarness()
    const audit = await auditFields(h.client, 'Deals', [
      'Deal_Name',
      'amount',
      'Closing Date',
      'StrategicPartnerId',
    ])
    expect(audit.present.map((p) => [p.name, p.field.api_name])).toEqual([
      ['Deal_Name', 'Deal_Name'],
      ['amount', 'Amount'],
      ['Closing Date', 'Closing_Date'],
    ])
    expect(audit.missing).toEqual(['StrategicPartnerId'])
    expect(audit.fields.length).toBeGreaterThanOrEqual(5)
  })

  it('auditFields: an unknown module is a ZohoApiError with CRM’s INVALID_MODULE', async () => {
    h = await apiHarness()
    await expect(auditFields(h.client, 'Dealz', ['Amount'])).rejects.toMatchObject({
      code: ERR_ZOHO_API,
      zohoCode: 'INVALID_MODULE',
    })
  })
})

describe('ensureField', () => {
  it('ensureField: a missing deal field is created once; a second run changes nothing', async () => {
    h = await apiHarness()
    const spec = { label: 'StrategicPartnerId', type: 'text' } as const
    const first = await ensureField(h.client, 'Deals', spec)
    expect(first.status).toBe('created')
    expect(first.field).toMatchObject({
      api_name: 'StrategicPartnerId',
      data_type: 'text',
      length: 255,
    })
    const posts = (): number => h!.apiRequests.filter((r) => r.method === 'POST').length
    expect(posts()).toBe(1)
    const second = await ensureField(h.client, 'Deals', spec)
    expect(second).toEqual({ status: 'exists', field: first.field })
    expect(posts()).toBe(1)
    expect(
      (await listFields(h.client, 'Deals')).filter((f) => f.api_name === 'StrategicPartnerId'),
    ).toHaveLength(1)
  })

  it('ensureField: two runs racing end with one field, both reporting it', async () => {
    h = await apiHarness()
    const spec = { label: 'Partner Tier', type: 'picklist' } as const
    const results = await Promise.all([
      ensureField(h.client, 'Deals', spec),
      ensureField(h.client, 'Deals', spec),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['created', 'exists'])
    expect(
      (await listFields(h.client, 'Deals')).filter((f) => f.field_label === 'Partner Tier'),
    ).toHaveLength(1)
  })

  it('ensureField: a field of another type is reported, not changed', async () => {
    h = await apiHarness()
    const result = await ensureField(h.client, 'Deals', { label: 'Amount', type: 'text' })
    expect(result).toMatchObject({
      status: 'exists_with_other_type',
      field: { data_type: 'currency' },
    })
    expect(h.apiRequests.filter((r) => r.method === 'POST')).toHaveLength(0)
  })

  it("ensureField: a type CRM refuses is a ZohoApiError with the record's code", async () => {
    h = await apiHarness()
    await expect(
      ensureField(h.client, 'Deals', { label: 'Odd', type: 'hologram' }),
    ).rejects.toMatchObject({
      code: ERR_ZOHO_API,
      zohoCode: 'INVALID_DATA',
      details: { api_name: 'data_type' },
    })
  })
})

describe('currentUser and crmOrg', () => {
  it('currentUser: the CRM user of the connection', async () => {
    h = await apiHarness()
    expect(await currentUser(h.client)).toMatchObject({
      email: 'ada@example.com',
      full_name: 'Ada User',
    })
  })

  it('crmOrg: the org of the connection’s DC', async () => {
    h = await apiHarness()
    expect(await crmOrg(h.client)).toMatchObject({ company_name: 'Emulated Org (us)' })
  })
})
