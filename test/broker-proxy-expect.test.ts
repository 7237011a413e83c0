/**
 * The proxy with a client that asks `Expect: 100-continue` (curl does for every body over 1 MiB),
 * over real sockets all the way to the emulator: the handshake is the broker's own, so it is not
 * passed on — fetch refuses a request that carries it, which once turned every such upload into
 * a 502 "failed before Zoho answered".
 */
import { request } from 'node:http'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { E2E_ADMIN_TOKEN, startBrokerServer, type RunningBroker } from './support/broker-server.js'

let broker: RunningBroker

beforeAll(async () => {
  broker = await startBrokerServer({ settings: { maxBodyBytes: 10 * 1024 * 1024 } })
  const control = async (path: string, body: unknown): Promise<Record<string, string>> =>
    (await (
      await fetch(`${broker.emulator.url}/__emulator/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as Record<string, string>
  const self = await control('clients', { type: 'self', dcs: ['us'] })
  const { code } = await control('self-client/code', {
    client_id: self.client_id,
    scope: 'ZohoCRM.modules.ALL',
    email: 'ada@example.com',
  })
  await broker.deps.store.saveClient(
    { clientId: String(self.client_id), clientSecret: String(self.client_secret), dcSecrets: {} },
    Date.now(),
  )
  await broker.deps.manager.createFromCode({
    id: 'big',
    code: String(code),
    clientId: String(self.client_id),
  })
}, 30_000)

afterAll(() => broker?.close())

/** POSTs `body` as curl does past 1 MiB: `Expect: 100-continue`, the body after the 100. */
function postExpectingContinue(
  url: string,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${E2E_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'content-length': String(body.length),
        expect: '100-continue',
      },
    })
    req.on('continue', () => req.end(body))
    req.on('response', (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
  })
}

it('ANY /api/v1/proxy/:id/*: a 2 MB body sent with Expect: 100-continue reaches Zoho, which answers it', async () => {
  const answer = await postExpectingContinue(
    `${broker.url}/api/v1/proxy/big/crm/v8/Leads`,
    Buffer.alloc(2_000_000, 'a'),
  )
  // The emulator read the body and refused it as CRM does (it is not JSON): Zoho's answer, not ours.
  expect(answer.status).toBe(400)
  expect(JSON.parse(answer.text)).toMatchObject({ code: 'INVALID_DATA' })
})
