import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { BodyNotReplayableError, ERR_API_BODY_NOT_REPLAYABLE } from './errors.js'
import { apiHarness, crmAnswer, type Harness } from './test-support.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const refused = (): Response =>
  crmAnswer(401, {
    code: 'INVALID_TOKEN',
    details: {},
    message: 'invalid oauth token',
    status: 'error',
  })

const ok = (): Response =>
  crmAnswer(200, { code: 'SUCCESS', details: {}, message: 'ok', status: 'success' })

/** The first attempt is refused as an expired token would be; the emulator answers the rest. */
function refuseFirst(request: Request, nth: number): Response | undefined {
  return nth === 1 ? refused() : undefined
}

function leadsJSON(count: number): string {
  return JSON.stringify({
    data: Array.from({ length: count }, (_, i) => ({
      Last_Name: `Stream ${i}`,
      Email: `s${i}@example.com`,
    })),
  })
}

function webStream(text: string, chunk = 64): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + chunk))
      offset += chunk
    },
  })
}

describe('ZohoApiClient bodies', () => {
  it('ZohoApiClient.post: a JSON body is sent as application/json', async () => {
    h = await apiHarness()
    const { status, data } = await h.client.post<{ data: { code: string }[] }>('/crm/v8/Leads', {
      json: { data: [{ Last_Name: 'Lovelace' }] },
    })
    expect(status).toBe(201)
    expect(data.data[0]?.code).toBe('SUCCESS')
    expect(h.apiRequests[0]?.headers.get('content-type')).toBe('application/json')
  })

  it('ZohoApiClient.post: a form body (URLSearchParams) is sent again unchanged after a refused token', async () => {
    h = await apiHarness()
    h.intercept = (request, nth) => (nth === 1 ? refused() : ok())
    await h.client.post('/crm/v8/coql', { body: new URLSearchParams({ a: '1', b: 'x y' }) })
    expect(h.apiRequests).toHaveLength(2)
    for (const request of h.apiRequests) {
      expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/)
      expect(await request.text()).toBe('a=1&b=x+y')
    }
    expect(h.refreshes()).toBe(1)
  })

  it('ZohoApiClient.post: a multipart body (FormData) is sent again whole after a refused token', async () => {
    h = await apiHarness()
    h.intercept = (request, nth) => (nth === 1 ? refused() : ok())
    const form = new FormData()
    form.append(
      'file',
      new Blob(['name,email\nAda,ada@example.com'], { type: 'text/csv' }),
      'leads.csv',
    )
    form.append('note', 'import')
    await h.client.post('/crm/v8/Leads/actions/import', { body: form })
    expect(h.apiRequests).toHaveLength(2)
    for (const request of h.apiRequests) {
      expect(request.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/)
      const received = await request.formData()
      expect(received.get('note')).toBe('import')
      expect(await (received.get('file') as File).text()).toBe('name,email\nAda,ada@example.com')
    }
  })

  it('ZohoApiClient.post: a web stream body is replayed from the buffer after an expired token, once refreshed', async () => {
    h = await apiHarness()
    await h.expireTokenAtZoho()
    const body = leadsJSON(3)
    const { status, data } = await h.client.post<{ data: unknown[] }>('/crm/v8/Leads', {
      body: webStream(body),
      headers: { 'content-type': 'application/json' },
    })
    expect(status).toBe(201)
    expect(data.data).toHaveLength(3)
    expect(h.refreshes()).toBe(1)
    expect(await Promise.all(h.apiRequests.map((r) => r.text()))).toEqual([body, body])
  })

  it('ZohoApiClient.post: a Node Readable body works the same way', async () => {
    h = await apiHarness()
    h.intercept = refuseFirst
    const body = leadsJSON(2)
    const { status } = await h.client.post('/crm/v8/Leads', {
      body: Readable.from([Buffer.from(body.slice(0, 10)), Buffer.from(body.slice(10))]),
      headers: { 'content-type': 'application/json' },
    })
    expect(status).toBe(201)
    expect(await h.apiRequests[1]?.text()).toBe(body)
  })

  it('ZohoApiClient.post: a stream longer than the replay buffer is not replayed: BodyNotReplayableError, token already refreshed', async () => {
    h = await apiHarness()
    h.intercept = refuseFirst
    const client = h.newClient({ replayBufferBytes: 100 })
    const body = leadsJSON(5)
    expect(body.length).toBeGreaterThan(100)
    let error: unknown
    try {
      await client.post('/crm/v8/Leads', {
        body: webStream(body),
        headers: { 'content-type': 'application/json' },
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(BodyNotReplayableError)
    expect(error).toMatchObject({ code: ERR_API_BODY_NOT_REPLAYABLE, reason: 'INVALID_TOKEN' })
    expect((error as Error).message).toBe(
      'POST /crm/v8/Leads needs to be sent again (INVALID_TOKEN), but its streamed body is larger than the 100-byte replay buffer and was already sent',
    )
    expect(h.apiRequests).toHaveLength(1)
    expect(h.refreshes()).toBe(1)
    // As the remedy says: a new stream goes through on the refreshed token, with no new refresh.
    const again = await client.post('/crm/v8/Leads', {
      body: webStream(body),
      headers: { 'content-type': 'application/json' },
    })
    expect(again.status).toBe(201)
    expect(h.refreshes()).toBe(1)
  })

  it('ZohoApiClient.put: a buffered stream is replayed for a server-error retry too', async () => {
    h = await apiHarness()
    h.intercept = (request, nth) =>
      nth === 1
        ? crmAnswer(503, { code: 'INTERNAL_ERROR', details: {}, message: 'x', status: 'error' })
        : ok()
    const { status } = await h.client.put('/crm/v8/Leads', { body: webStream('{"data":[]}') })
    expect(status).toBe(200)
    expect(await h.apiRequests[1]?.text()).toBe('{"data":[]}')
    expect(h.apiRequests[0]?.headers.get('content-type')).toBe('application/octet-stream')
  })
})
