/**
 * Reads the start of a streamed answer without losing it: a 401 must be read to tell Zoho's
 * "this token is refused" (refresh and retry) from any other 401 (pass it on), but the caller
 * still gets the whole body, from the bytes read plus the rest of the stream.
 */

export interface PeekedBody {
  /** The body as text, when it ended within the limit; undefined for a longer one. */
  text: string | undefined
  /** The whole body again, for the caller. */
  body: ReadableStream<Uint8Array> | null
}

/** Reads `body` up to `limit` bytes. */
export async function peekBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<PeekedBody> {
  if (body === null) return { text: '', body: null }
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let done = false
  while (!done && size <= limit) {
    const read = await reader.read()
    if (read.done) done = true
    else {
      chunks.push(read.value)
      size += read.value.byteLength
    }
  }
  const text = done ? Buffer.concat(chunks).toString('utf8') : undefined
  let index = 0
  const again = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = chunks[index]
      if (chunk !== undefined) {
        index += 1
        controller.enqueue(chunk)
        return
      }
      if (done) {
        controller.close()
        return
      }
      const read = await reader.read()
      if (read.done) controller.close()
      else controller.enqueue(read.value)
    },
    cancel: (reason) => reader.cancel(reason),
  })
  return { text, body: again }
}
