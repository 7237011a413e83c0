import { describe, expect, it } from 'vitest'
import { UnexpectedResponseError } from '../protocol/index.js'
import { mintedNothing } from './failures.js'

const answer = (status: number): UnexpectedResponseError =>
  new UnexpectedResponseError({
    status,
    contentType: 'text/html',
    body: '<html>Internal Server Error</html>',
    operation: 'refresh',
  })

describe('mintedNothing', () => {
  it('mintedNothing: an error page from the accounts server (500, 503, 4xx) minted nothing, so it gives its mint back', () => {
    // A non-JSON 500 counted before: three per `zoho-auth token`, and three calls locked the
    // connection out for ten minutes after Zoho was back.
    for (const status of [400, 404, 429, 500, 503]) expect(mintedNothing(answer(status))).toBe(true)
  })

  it('mintedNothing: a gateway error (502, 504) may hide an answer that was lost, so it still counts', () => {
    for (const status of [502, 504]) expect(mintedNothing(answer(status))).toBe(false)
  })
})
