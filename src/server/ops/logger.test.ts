import { describe, expect, it } from 'vitest'
import { createJsonLogger, redactLogText } from './logger.js'

const TOKEN = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`
const SECRET = '0123456789abcdef0123456789abcdef0123456789'

function capture(options: Parameters<typeof createJsonLogger>[1] = {}) {
  const lines: string[] = []
  const logger = createJsonLogger((line) => lines.push(line), {
    now: () => Date.UTC(2026, 11, 1, 12, 0, 0),
    ...options,
  })
  return { lines, logger, parsed: () => lines.map((line) => JSON.parse(line) as unknown) }
}

describe('createJsonLogger', () => {
  it('createJsonLogger: writes one JSON object per entry with time, level, msg and the fields', () => {
    const { lines, logger, parsed } = capture()
    logger.info({ msg: 'request', method: 'GET', status: 200 })
    logger.warn({ msg: 'slow', ms: 12.5 })
    logger.error({ msg: 'failed', nested: { ok: true } })
    expect(lines).toHaveLength(3)
    expect(lines.every((line) => !line.includes('\n'))).toBe(true)
    expect(parsed()).toEqual([
      {
        time: '2026-12-01T12:00:00.000Z',
        level: 'info',
        msg: 'request',
        method: 'GET',
        status: 200,
      },
      { time: '2026-12-01T12:00:00.000Z', level: 'warn', msg: 'slow', ms: 12.5 },
      { time: '2026-12-01T12:00:00.000Z', level: 'error', msg: 'failed', nested: { ok: true } },
    ])
  })

  it('createJsonLogger: redacts tokens and secrets in the message, in fields and nested ones, and errors', () => {
    const { lines, logger, parsed } = capture({ secrets: ['the-admin-token-value'] })
    logger.error({
      msg: `refresh of ${TOKEN} failed`,
      detail: { url: `https://x/?client_secret=${SECRET}&code=${TOKEN}` },
      list: [`Zoho-oauthtoken ${TOKEN}`],
      error: new Error(`bad token ${TOKEN}`),
      authorization: 'Bearer the-admin-token-value',
      note: 'the admin typed the-admin-token-value here',
      key: 'zab_abcdefghijklmnopqrstuvwxyz012345',
      webhook: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
    })
    const text = lines.join('\n')
    for (const secret of [TOKEN, SECRET, 'the-admin-token-value', 'zab_abcdefghij', 'c2VjcmV0']) {
      expect(text).not.toContain(secret)
    }
    expect(parsed()[0]).toMatchObject({
      msg: 'refresh of 1000.…bbbb failed',
      authorization: '****',
      note: 'the admin typed **** here',
      key: 'zab_****',
      error: { name: 'Error', message: 'bad token 1000.…bbbb' },
    })
  })

  it('createJsonLogger: a field named time or level cannot hide the line’s own', () => {
    const { logger, parsed } = capture()
    logger.info({ msg: 'x', level: 'error', time: 'yesterday' })
    expect(parsed()[0]).toEqual({ time: '2026-12-01T12:00:00.000Z', level: 'info', msg: 'x' })
  })

  it('createJsonLogger: a write that throws does not throw to the caller', () => {
    const logger = createJsonLogger(() => {
      throw new Error('EPIPE')
    })
    expect(() => logger.info({ msg: 'x' })).not.toThrow()
  })
})

describe('redactLogText', () => {
  it('redactLogText: ignores literal secrets too short to be safe to search for', () => {
    expect(redactLogText('a b c', ['a'])).toBe('a b c')
  })
})
