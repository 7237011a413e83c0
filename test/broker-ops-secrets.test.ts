/**
 * Everything the ops side writes — JSON log lines, webhook bodies and headers, /metrics — scanned
 * for every token and secret a run of the broker created: connection tokens (old and refreshed),
 * client secrets, the admin token, an API key, the webhook secret, a callback's code.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createApiKey } from '../src/server/api-keys.js'
import { attachOps } from '../src/server/ops/events.js'
import { createJsonLogger } from '../src/server/ops/logger.js'
import { webhookReceiver, type WebhookReceiver } from '../src/server/ops/test-support.js'
import { createWebhookSender, type WebhookSender } from '../src/server/ops/webhooks.js'
import { ADMIN_TOKEN, BASE, brokerHarness, type BrokerHarness } from '../src/server/test-support.js'

let harness: BrokerHarness | undefined
let receiver: WebhookReceiver | undefined
let sender: WebhookSender | undefined
afterEach(async () => {
  await sender?.close()
  await harness?.close()
  await receiver?.close()
})

describe('broker ops output', () => {
  it('logs, webhooks and /metrics hold none of the tokens and secrets of a whole run', async () => {
    const lines: string[] = []
    const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`
    const logger = createJsonLogger((line) => lines.push(line), { secrets: [ADMIN_TOKEN] })
    receiver = await webhookReceiver()
    sender = createWebhookSender({
      url: receiver.url,
      secret: webhookSecret,
      fetch,
      logger,
      now: Date.now,
    })
    const h = (harness = await brokerHarness({ deps: { logger, webhooks: sender } }))
    attachOps(h.deps)
    const { key } = await createApiKey(h.deps.store, 'ci', Date.now())
    await h.connect('acme')
    await h.connect('globex')
    const secrets = new Set<string>([ADMIN_TOKEN, key, webhookSecret, h.serverClient.clientSecret])
    const remember = async (id: string): Promise<void> => {
      const row = await h.deps.store.get(id)
      if (row?.refreshToken) secrets.add(row.refreshToken)
      if (row?.accessToken) secrets.add(row.accessToken)
      const client = row === null ? null : await h.deps.store.getClient(row.clientId)
      if (client) secrets.add(client.clientSecret)
    }
    await remember('acme')
    await remember('globex')

    const bearer = { authorization: `Bearer ${key}` }
    await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser', { headers: bearer })
    await h.control('clock', { advance_seconds: 3700 }) // Zoho refuses the token: one refresh
    await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser', { headers: bearer })
    await remember('acme')
    await h.request('/api/v1/proxy/acme/%2fetc', { headers: bearer })
    await h.request('/api/v1/proxy/acme/crm/v8/users', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}x` },
    })
    const code = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`
    secrets.add(code)
    await h.request(`/oauth/callback?code=${code}&state=s&location=us`, {
      headers: { authorization: '' },
    })
    // A refresh that fails for good, and a grant Zoho has revoked.
    await h.control('faults', { path: '/oauth/v2/token', status: 503, count: 10 })
    const current = await h.deps.manager.getToken('globex')
    await h.deps.manager.invalidate('globex', current.accessToken).catch(() => undefined)
    await h.control('faults', undefined, 'DELETE')
    const globex = await h.deps.store.get('globex')
    await h.emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/v2/token/revoke?token=${globex?.refreshToken}`, {
        method: 'POST',
      }),
    )
    await h.deps.manager.invalidate('globex', current.accessToken).catch(() => undefined)
    await h.deps.manager.revoke('acme')
    await h.deps.manager.delete('acme')
    const metrics = await (await h.request('/metrics', { headers: { authorization: '' } })).text()
    await receiver.waitFor(6)
    await sender.close()

    const webhooks = receiver.received.map((d) => JSON.stringify(d.headers) + d.body)
    expect(lines.length).toBeGreaterThan(5)
    expect(lines.some((line) => line.includes('"msg":"refresh failed"'))).toBe(true)
    expect(webhooks.length).toBe(6)
    const output = [...lines, ...webhooks, metrics].join('\n')
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(16)
      expect(output.includes(secret), `a secret (${secret.slice(0, 6)}…) leaked`).toBe(false)
    }
    expect(output).not.toContain(webhookSecret.slice('whsec_'.length))
  })
})
