import { createHmac, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { LogEntry } from '../deps.js'
import { webhookReceiver, type WebhookReceiver } from './test-support.js'
import { createWebhookSender, parseWebhookSecret, type WebhookSenderOptions } from './webhooks.js'

const KEY = randomBytes(32)
const SECRET = `whsec_${KEY.toString('base64')}`
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0)
const TOKEN = `1000.${'e'.repeat(32)}.${'f'.repeat(32)}`

let receiver: WebhookReceiver | undefined
afterEach(async () => {
  await receiver?.close()
  receiver = undefined
})

function setup(overrides: Partial<WebhookSenderOptions> = {}) {
  const logs: Array<LogEntry & { level: string }> = []
  const sleeps: number[] = []
  const watchers: Array<{ prefix: string; resolve: () => void }> = []
  const at = (level: string) => (entry: LogEntry) => {
    logs.push({ level, ...entry })
    for (const watcher of watchers.filter((w) => entry.msg.startsWith(w.prefix))) {
      watchers.splice(watchers.indexOf(watcher), 1)
      watcher.resolve()
    }
  }
  const logger = { info: at('info'), warn: at('warn'), error: at('error') }
  /** Resolves at the first log line starting with `prefix` (waits for the event, not a time). */
  const logged = (prefix: string): Promise<void> =>
    logs.some((line) => line.msg.startsWith(prefix))
      ? Promise.resolve()
      : new Promise((resolve) => watchers.push({ prefix, resolve }))
  const sender = createWebhookSender({
    url: receiver?.url ?? 'http://127.0.0.1:9/none',
    secret: SECRET,
    fetch,
    logger,
    now: () => NOW,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    ...overrides,
  })
  return { sender, logs, sleeps, logged }
}

/** Verifies as a receiver would, from the spec, without the sender's code. */
function verify(headers: Record<string, unknown>, body: string): boolean {
  const id = String(headers['webhook-id'])
  const timestamp = String(headers['webhook-timestamp'])
  const expected = createHmac('sha256', KEY).update(`${id}.${timestamp}.${body}`).digest('base64')
  return String(headers['webhook-signature'])
    .split(' ')
    .some((signature) => signature === `v1,${expected}`)
}

describe('createWebhookSender', () => {
  it('createWebhookSender: delivers a Standard Webhooks request a receiver can verify', async () => {
    receiver = await webhookReceiver()
    const { sender, logs } = setup()
    sender.send('connection.created', { connection: 'acme', dc: 'eu', email: 'ada@example.com' })
    const [delivery] = await receiver.waitFor(1)
    expect(delivery?.headers['content-type']).toBe('application/json')
    expect(String(delivery?.headers['webhook-id'])).toMatch(/^msg_[A-Za-z0-9_-]{22}$/)
    expect(delivery?.headers['webhook-timestamp']).toBe(String(NOW / 1000))
    expect(verify(delivery?.headers ?? {}, delivery?.body ?? '')).toBe(true)
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      type: 'connection.created',
      connection: 'acme',
      timestamp: '2026-12-01T12:00:00.000Z',
      dc: 'eu',
      email: 'ada@example.com',
    })
    await sender.close()
    expect(logs.find((line) => line.msg === 'webhook delivered')).toMatchObject({
      type: 'connection.created',
      attempt: 1,
      status: '204',
    })
  })

  it('createWebhookSender: a tampered body fails verification (the check above is real)', async () => {
    receiver = await webhookReceiver()
    const { sender } = setup()
    sender.send('connection.deleted', { connection: 'acme' })
    const [delivery] = await receiver.waitFor(1)
    expect(verify(delivery?.headers ?? {}, (delivery?.body ?? '').replace('acme', 'evil'))).toBe(
      false,
    )
    await sender.close()
  })

  it('createWebhookSender: retries non-2xx answers with backoff and jitter, keeping the webhook-id', async () => {
    receiver = await webhookReceiver()
    receiver.statuses.push(500, 429)
    const { sender, sleeps, logs } = setup()
    sender.send('connection.needs_reauth', { connection: 'acme', reason: 'revoked at Zoho' })
    const deliveries = await receiver.waitFor(3)
    await sender.close()
    const ids = new Set(deliveries.map((delivery) => delivery.headers['webhook-id']))
    expect(ids.size).toBe(1)
    for (const delivery of deliveries) expect(verify(delivery.headers, delivery.body)).toBe(true)
    // 1 s then 2 s steps, equal jitter at random() = 0.5.
    expect(sleeps).toEqual([750, 1500])
    expect(logs.filter((line) => line.msg === 'webhook delivery failed; retrying')).toHaveLength(2)
    expect(logs.at(-1)).toMatchObject({ msg: 'webhook delivered', attempt: 3 })
  })

  it('createWebhookSender: gives up after maxAttempts network errors and says so in the log', async () => {
    receiver = await webhookReceiver()
    const url = receiver.url
    await receiver.close()
    receiver = undefined
    const { sender, sleeps, logs, logged } = setup({ url, maxAttempts: 3 })
    sender.send('connection.revoked', { connection: 'acme' })
    await logged('webhook not delivered')
    await sender.close()
    expect(sleeps).toEqual([750, 1500])
    expect(logs.at(-1)).toMatchObject({
      level: 'error',
      msg: 'webhook not delivered after 3 attempt(s)',
      status: 'network error',
      connection: 'acme',
    })
  })

  it('createWebhookSender: never carries a token, a secret or a code, whatever it is given', async () => {
    receiver = await webhookReceiver()
    const { sender } = setup()
    sender.send('connection.refresh_failed', {
      connection: 'acme',
      accessToken: TOKEN,
      refresh_token: TOKEN,
      clientSecret: 'x'.repeat(42),
      code: TOKEN,
      reason: `refresh with ${TOKEN} failed`,
      nested: { token: TOKEN },
    })
    const [delivery] = await receiver.waitFor(1)
    await sender.close()
    expect(delivery?.body).not.toContain('eeeeeeee')
    expect(delivery?.body).not.toContain('x'.repeat(42))
    expect(JSON.parse(delivery?.body ?? '')).toEqual({
      type: 'connection.refresh_failed',
      connection: 'acme',
      timestamp: '2026-12-01T12:00:00.000Z',
      reason: 'refresh with 1000.…ffff failed',
    })
  })

  it('close: waits for a delivery in flight', async () => {
    receiver = await webhookReceiver()
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let sent = 0
    const { sender } = setup({
      fetch: async (input, init) => {
        sent += 1
        await gate
        return fetch(input, init)
      },
    })
    sender.send('connection.deleted', { connection: 'acme' })
    let closed = false
    const closing = sender.close().then(() => {
      closed = true
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(sent).toBe(1)
    expect(closed).toBe(false)
    release()
    await closing
    expect(receiver.received).toHaveLength(1)
  })

  it('close: stops a retry that is waiting, and drops later events with a log line', async () => {
    receiver = await webhookReceiver()
    receiver.statuses.push(503)
    const { sender, logs, logged } = setup({ sleep: () => new Promise<void>(() => undefined) })
    sender.send('connection.deleted', { connection: 'acme' })
    await logged('webhook delivery failed; retrying')
    await sender.close()
    sender.send('connection.deleted', { connection: 'globex' })
    expect(receiver.received).toHaveLength(1)
    expect(logs.map((line) => line.msg)).toEqual([
      'webhook delivery failed; retrying',
      'webhook not delivered after 1 attempt(s) (the broker is shutting down)',
      'webhook dropped: the sender is closed',
    ])
  })

  it('createWebhookSender: a URL that is not http(s) or carries credentials is ERR_CONFIG', () => {
    for (const url of ['not a url', 'ftp://example.com/hook', 'https://user:pw@example.com/hook']) {
      expect(() => setup({ url })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }))
    }
  })
})

describe('parseWebhookSecret', () => {
  it('parseWebhookSecret: returns the key of whsec_<base64>', () => {
    expect(parseWebhookSecret(SECRET).equals(KEY)).toBe(true)
  })

  it('parseWebhookSecret: a malformed secret is ERR_CONFIG with a remedy that says how to make one', () => {
    const cases: Array<[string, string]> = [
      [KEY.toString('base64'), 'ZOHO_AUTH_WEBHOOK_SECRET does not start with "whsec_"'],
      ['whsec_not*base64!', 'ZOHO_AUTH_WEBHOOK_SECRET is not valid base64 after "whsec_"'],
      [
        `whsec_${randomBytes(8).toString('base64')}`,
        'ZOHO_AUTH_WEBHOOK_SECRET holds a 8-byte key; Standard Webhooks keys are 24 to 64 bytes',
      ],
    ]
    for (const [secret, message] of cases) {
      try {
        parseWebhookSecret(secret)
        expect.unreachable()
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_CONFIG', message })
        expect((error as { remedy: string }).remedy).toContain('whsec_')
      }
    }
  })
})
