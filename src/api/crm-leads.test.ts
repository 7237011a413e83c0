import { afterEach, describe, expect, it } from 'vitest'
import { ERR_API_SCOPE, ERR_ZOHO_API } from './errors.js'
import { createLeads, leadFromConsultation } from './crm-leads.js'
import { NOT_SENT } from './records.js'
import { apiHarness, type Harness } from './test-support.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('leadFromConsultation', () => {
  it('leadFromConsultation: maps the form onto Lead fields, interest into Description', () => {
    expect(
      leadFromConsultation({
        name: '  Ada Lovelace ',
        email: 'ada@example.com',
        phone: '+44 20 7946 0000',
        interest: 'Analytical engine consulting',
      }),
    ).toEqual({
      First_Name: 'Ada',
      Last_Name: 'Lovelace',
      Email: 'ada@example.com',
      Phone: '+44 20 7946 0000',
      Description: 'Analytical engine consulting',
    })
  })

  it('leadFromConsultation: the first word is the first name, the rest the last name', () => {
    expect(
      leadFromConsultation({ name: 'Jan van der Berg', email: 'j@example.com' }),
    ).toMatchObject({
      First_Name: 'Jan',
      Last_Name: 'van der Berg',
    })
    expect(leadFromConsultation({ name: 'Lovelace, Ada', email: 'a@example.com' })).toMatchObject({
      First_Name: 'Ada',
      Last_Name: 'Lovelace',
    })
  })

  it('leadFromConsultation: one word is the last name (the field CRM requires); no name sends none', () => {
    expect(leadFromConsultation({ name: 'Cher', email: 'c@example.com' })).toEqual({
      Last_Name: 'Cher',
      Email: 'c@example.com',
    })
    expect(leadFromConsultation({ name: ' ', email: 'x@example.com', phone: '' })).toEqual({
      Email: 'x@example.com',
    })
  })

  it('leadFromConsultation: sets Lead_Source and Company only when asked', () => {
    expect(
      leadFromConsultation(
        { name: 'Ada Lovelace', email: 'ada@example.com' },
        { leadSource: 'Web Download', company: 'Analytical Ltd' },
      ),
    ).toMatchObject({ Lead_Source: 'Web Download', Company: 'Analytical Ltd' })
  })
})

describe('createLeads', () => {
  it('createLeads: a lead from a consultation form is created in CRM', async () => {
    h = await apiHarness()
    const lead = leadFromConsultation({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      phone: '555-0100',
      interest: 'Compiler training',
    })
    const outcome = await createLeads(h.client, [lead])
    expect(outcome).toMatchObject({ created: 1, failed: 0 })
    const [result] = outcome.results
    expect(result).toMatchObject({ ok: true, index: 0, code: 'SUCCESS' })
    expect(result?.ok && result.id).toMatch(/^\d{19}$/)
    expect(await h.apiRequests[0]?.json()).toEqual({ data: [lead] })
  })

  it("createLeads: per-record failures come back with Zoho's codes, beside the successes", async () => {
    h = await apiHarness()
    const outcome = await createLeads(h.client, [
      { Last_Name: 'Ok', Email: 'ok@example.com' },
      { First_Name: 'No last name' },
      { Last_Name: 'Bad email', Email: 'not-an-email' },
      { Last_Name: 'Again', Email: 'ok@example.com' },
    ])
    expect(outcome).toMatchObject({ created: 1, failed: 3 })
    expect(outcome.results.map((r) => [r.index, r.ok, r.code])).toEqual([
      [0, true, 'SUCCESS'],
      [1, false, 'MANDATORY_NOT_FOUND'],
      [2, false, 'INVALID_DATA'],
      [3, false, 'DUPLICATE_DATA'],
    ])
    expect(outcome.results[1]?.details).toMatchObject({ api_name: 'Last_Name' })
  })

  it('createLeads: all records refused (HTTP 400) is still a per-record answer, not a thrown error', async () => {
    h = await apiHarness()
    const outcome = await createLeads(h.client, [{ First_Name: 'A' }, { First_Name: 'B' }])
    expect(outcome).toMatchObject({ created: 0, failed: 2 })
    expect(outcome.results.every((r) => r.code === 'MANDATORY_NOT_FOUND')).toBe(true)
  })

  it('createLeads: 250 leads go in three calls of at most 100, results in input order', async () => {
    h = await apiHarness()
    const leads = Array.from({ length: 250 }, (_, i) => ({
      Last_Name: `L${i}`,
      Email: `l${i}@example.com`,
    }))
    const outcome = await createLeads(h.client, leads)
    expect(outcome.created).toBe(250)
    expect(outcome.results.map((r) => r.index)).toEqual(leads.map((_, i) => i))
    const sizes = await Promise.all(
      h.apiRequests.map(async (r) => ((await r.json()) as { data: unknown[] }).data.length),
    )
    expect(sizes).toEqual([100, 100, 50])
  })

  it('createLeads: a failure after an earlier batch created leads reports them, the rest NOT_SENT', async () => {
    h = await apiHarness()
    h.intercept = (_request, nth) =>
      nth === 2
        ? new Response('{"code":"INTERNAL_ERROR","details":{},"message":"x","status":"error"}', {
            status: 500,
          })
        : undefined
    const leads = Array.from({ length: 150 }, (_, i) => ({
      Last_Name: `L${i}`,
      Email: `m${i}@example.com`,
    }))
    const outcome = await createLeads(h.client, leads)
    expect(outcome.created).toBe(100)
    expect(outcome.results).toHaveLength(150)
    expect(outcome.results[100]).toMatchObject({ ok: false, code: NOT_SENT })
    expect(outcome.stoppedBy).toMatchObject({ code: ERR_ZOHO_API, status: 500 })
    // A POST is never retried: batch 2 was sent once.
    expect(h.apiRequests).toHaveLength(2)
  })

  it('createLeads: a whole-call failure before anything was created is thrown', async () => {
    h = await apiHarness({ scope: 'ZohoCRM.users.READ' })
    await expect(createLeads(h.client, [{ Last_Name: 'L' }])).rejects.toMatchObject({
      code: ERR_API_SCOPE,
      requiredScope: 'ZohoCRM.modules.leads.CREATE',
    })
  })
})
