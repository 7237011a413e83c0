import { createHmac, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { BASE, brokerHarness, USER, type BrokerHarness } from '../test-support.js'
import { attachOps } from './events.js'
import { parsePrometheus, webhookReceiver, type WebhookReceiver } from './test-support.js'
import { createWebhookSender, type WebhookSender } from './webhooks.js'

const KEY = randomBytes(32)

let harness: BrokerHarness | undefined
let receiver: WebhookReceiver | undefined
let sender: WebhookSender | undefined
afterEach(async () => {
  await sender?.close()
  await harness?.close()
  await receiver?.close()
  harness = receiver = sender = undefined
})

async function setup(): Promise<{ h: BrokerHarness; r: WebhookReceiver; detach: () => void }> {
  const r = (receiver = await webhookReceiver())
  const logs: string[] = []
  const logger = {
    info: (e: { msg: string }) => logs.push(e.msg),
    warn: (e: { msg: string }) => logs.push(e.msg),
    error: (e: { msg: string }) => logs.push(e.msg),
  }
  sender = createWebhookSender({
    url: r.url,
    secret: `whsec_${KEY.toString('base64')}`,
    fetch,
    logger,
    now: Date.now,
  })
  const h = (harness = await brokerHarness({ deps: { webhooks: sender } }))
  return { h, r, detach: attachOps(h.deps) }
}

function bodies(r: WebhookReceiver): Array<Record<string, unknown>> {
  return r.received.map((d) => JSON.parse(d.body) as Record<string, unknown>)
}

async function refreshCount(h: BrokerHarness, outcome: string): Promise<number | undefined> {
  const text = await (await h.request('/metrics')).text()
  return parsePrometheus(text).value('zoho_auth_refreshes_total', { outcome })
}

describe('attachOps', () => {
  it('attachOps: created, refresh_failed, needs_reauth, revoked and deleted become signed webhooks and counters', async () => {
    const { h, r } = await setup()
    await h.connect('acme')
    await r.waitFor(1)
    const first = await h.deps.manager.getToken('acme')
    const refreshed = await h.deps.manager.invalidate('acme', first.accessToken)
    expect(await refreshCount(h, 'success')).toBe(1)

    // Zoho's accounts server is down for every retry: refresh_failed.
    await h.control('faults', { path: '/oauth/v2/token', status: 503, count: 10 })
    await expect(h.deps.manager.invalidate('acme', refreshed.accessToken)).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
    })
    await r.waitFor(2)
    expect(await refreshCount(h, 'failed')).toBe(1)

    // The grant is revoked at Zoho behind our back: needs_reauth.
    await h.control('faults', undefined, 'DELETE')
    const stored = await h.deps.store.get('acme')
    await h.emulator.fetch(
      new Request(
        `${BASE}/us/accounts/oauth/v2/token/revoke?token=${String(stored?.refreshToken)}`,
        { method: 'POST' },
      ),
    )
    await expect(h.deps.manager.invalidate('acme', refreshed.accessToken)).rejects.toMatchObject({
      code: 'ERR_NEEDS_REAUTH',
    })
    await r.waitFor(3)
    expect(await refreshCount(h, 'needs_reauth')).toBe(1)

    await h.connect('globex')
    await r.waitFor(4)
    await h.deps.manager.revoke('globex')
    await r.waitFor(5)
    await h.deps.manager.delete('globex')
    await r.waitFor(6)

    const events = bodies(r)
    expect(events.map((e) => [e.type, e.connection])).toEqual([
      ['connection.created', 'acme'],
      ['connection.refresh_failed', 'acme'],
      ['connection.needs_reauth', 'acme'],
      ['connection.created', 'globex'],
      ['connection.revoked', 'globex'],
      ['connection.deleted', 'globex'],
    ])
    expect(events[0]).toMatchObject({ dc: 'us', status: 'active', email: USER })
    expect(events[1]).toMatchObject({ error_code: 'ERR_UNEXPECTED_RESPONSE', status: 'active' })
    expect(String(events[1]?.reason)).toContain('HTTP 503')
    expect(events[2]).toMatchObject({ status: 'needs_reauth', evicted: false })
    expect(typeof events[2]?.reason).toBe('string')
    expect(events[4]).toMatchObject({ status: 'revoked' })
    expect(Object.keys(events[5] ?? {}).sort()).toEqual(['connection', 'timestamp', 'type'])
    for (const delivery of r.received) {
      const id = String(delivery.headers['webhook-id'])
      const timestamp = String(delivery.headers['webhook-timestamp'])
      const mac = createHmac('sha256', KEY)
        .update(`${id}.${timestamp}.${delivery.body}`)
        .digest('base64')
      expect(delivery.headers['webhook-signature']).toBe(`v1,${mac}`)
    }
    const everything = r.received.map((d) => d.body).join('\n')
    for (const secret of [stored?.refreshToken, first.accessToken, refreshed.accessToken]) {
      expect(everything).not.toContain(String(secret))
    }
  })

  it('attachOps: the returned function unsubscribes', async () => {
    const { h, r, detach } = await setup()
    detach()
    await h.connect('acme')
    attachOps(h.deps)
    await h.connect('globex')
    await r.waitFor(1)
    await sender?.close()
    expect(bodies(r).map((e) => e.connection)).toEqual(['globex'])
  })

  it('attachOps: without webhooks configured, refreshes are still counted', async () => {
    const h = (harness = await brokerHarness())
    attachOps(h.deps)
    await h.connect('acme')
    const { accessToken } = await h.deps.manager.getToken('acme')
    await h.deps.manager.invalidate('acme', accessToken)
    expect(await refreshCount(h, 'success')).toBe(1)
  })
})
