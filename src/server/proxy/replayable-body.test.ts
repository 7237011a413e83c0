import { describe, expect, it } from 'vitest'
import { peekBody } from './peek.js'
import { BodyTooLargeSignal, ReplayableBody } from './replayable-body.js'

const encoder = new TextEncoder()

/** A caller's body arriving in `parts`; counts how often it was cancelled. */
function source(parts: string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => number } {
  let cancels = 0
  let index = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[index++]
      if (part === undefined) controller.close()
      else controller.enqueue(encoder.encode(part))
    },
    cancel() {
      cancels += 1
    },
  })
  return { stream, cancelled: () => cancels }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text()
}

describe('ReplayableBody', () => {
  it('ReplayableBody.stream: a second attempt sends the same bytes as the first', async () => {
    const { stream } = source(['{"data":', '[1,2', ',3]}'])
    const body = new ReplayableBody(stream.getReader(), 1024)
    expect(await readAll(body.stream())).toBe('{"data":[1,2,3]}')
    expect(await readAll(body.stream())).toBe('{"data":[1,2,3]}')
  })

  it('ReplayableBody.stream: an attempt cancelled halfway (Zoho answered early) leaves the rest for the retry', async () => {
    const { stream, cancelled } = source(['aaa', 'bbb', 'ccc'])
    const body = new ReplayableBody(stream.getReader(), 1024)
    const first = body.stream().getReader()
    expect(new TextDecoder().decode((await first.read()).value)).toBe('aaa')
    await first.cancel()
    expect(cancelled()).toBe(0)
    expect(await readAll(body.stream())).toBe('aaabbbccc')
  })

  it('ReplayableBody.stream: past the limit the attempt errors, tooLarge is set, and the caller’s body is cancelled', async () => {
    const { stream, cancelled } = source(['12345', '67890', 'x'])
    const body = new ReplayableBody(stream.getReader(), 8)
    await expect(readAll(body.stream())).rejects.toBeInstanceOf(BodyTooLargeSignal)
    expect(body.tooLarge).toBe(true)
    expect(cancelled()).toBe(1)
  })

  it('ReplayableBody.stream: a body of exactly the limit passes', async () => {
    const { stream } = source(['1234', '5678'])
    const body = new ReplayableBody(stream.getReader(), 8)
    expect(await readAll(body.stream())).toBe('12345678')
    expect(body.tooLarge).toBe(false)
  })

  it('ReplayableBody.discard: stops reading the caller’s body', async () => {
    const { stream, cancelled } = source(['a', 'b'])
    const body = new ReplayableBody(stream.getReader(), 8)
    body.discard()
    await Promise.resolve()
    expect(cancelled()).toBe(1)
  })
})

describe('peekBody', () => {
  it('peekBody: a short body is read as text and still handed on whole', async () => {
    const { stream } = source(['{"code":', '"INVALID_TOKEN"}'])
    const peeked = await peekBody(stream, 1024)
    expect(peeked.text).toBe('{"code":"INVALID_TOKEN"}')
    expect(await readAll(peeked.body as ReadableStream<Uint8Array>)).toBe(
      '{"code":"INVALID_TOKEN"}',
    )
  })

  it('peekBody: a body longer than the limit is not read as text, and is handed on whole', async () => {
    const { stream } = source(['0123456789', 'abcdefghij', 'tail'])
    const peeked = await peekBody(stream, 12)
    expect(peeked.text).toBeUndefined()
    expect(await readAll(peeked.body as ReadableStream<Uint8Array>)).toBe(
      '0123456789abcdefghijtail',
    )
  })

  it('peekBody: no body is the empty text', async () => {
    expect(await peekBody(null, 10)).toEqual({ text: '', body: null })
  })
})
