/**
 * Request bodies: JSON, form (URLSearchParams), multipart (FormData), raw bytes, and streams.
 *
 * Every body but a stream can be sent twice, which the 401 retry, the rate-limit wait and the
 * server-error retries need. A stream is sent as it comes (`duplex: 'half'`), and teed into a
 * replay buffer of at most `replayBufferBytes`: a stream that fits is replayed from memory; a
 * longer one stops being buffered (its buffer branch is cancelled, so memory stays bounded) and a
 * retry it would need becomes a BodyNotReplayableError instead of a silently truncated upload.
 */
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'

/**
 * What a request body may be. Plain objects and arrays go in `json` instead.
 *
 * @see https://fetch.spec.whatwg.org/#bodyinit-unions
 */
export type ApiBodyInit =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | URLSearchParams
  | FormData
  | ReadableStream<Uint8Array>
  | Readable

/**
 * The replay buffer for streamed bodies, in bytes, unless the client is told otherwise.
 *
 * @see https://fetch.spec.whatwg.org/#dom-requestinit-duplex
 */
export const DEFAULT_REPLAY_BUFFER_BYTES = 1_048_576

/**
 * @internal A body ready to be sent once per attempt.
 *
 * @see https://fetch.spec.whatwg.org/#bodyinit-unions
 */
export interface PreparedBody {
  /** Set for JSON and streams; fetch chooses it for forms, multipart and text. */
  contentType: string | undefined
  /** True when the body is a stream: fetch needs `duplex: 'half'`. */
  readonly stream: boolean
  /** The body of the next attempt; `null` when a stream was sent and is not buffered. */
  next(): Promise<BodyInit | undefined | null>
}

function isNodeReadable(body: unknown): body is Readable {
  return body instanceof Readable
}

function isWebStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && body instanceof ReadableStream
}

/** Reads a stream into memory unless it exceeds `limit` bytes (then cancels it: null). */
async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit) {
        // Not awaited: a tee branch's cancel settles only once the other branch is cancelled too.
        reader.cancel().catch(() => undefined)
        return null
      }
      chunks.push(value)
    }
  } catch {
    return null
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

function streamBody(source: ReadableStream<Uint8Array>, limit: number): PreparedBody {
  let sent = false
  let send: ReadableStream<Uint8Array> = source
  let buffered: Promise<Uint8Array<ArrayBuffer> | null> = Promise.resolve(null)
  if (limit > 0) {
    const [first, copy] = source.tee()
    send = first
    buffered = collect(copy, limit)
  }
  return {
    contentType: 'application/octet-stream',
    stream: true,
    async next() {
      if (!sent) {
        sent = true
        return send
      }
      const bytes = await buffered
      return bytes === null ? null : new Blob([bytes])
    },
  }
}

/**
 * @internal Prepares `json` or `body` for sending, possibly more than once.
 *
 * @see https://fetch.spec.whatwg.org/#bodyinit-unions
 */
export function prepareBody(
  input: { json?: unknown; body?: ApiBodyInit },
  replayBufferBytes: number = DEFAULT_REPLAY_BUFFER_BYTES,
): PreparedBody {
  if (input.json !== undefined) {
    const text = JSON.stringify(input.json)
    return { contentType: 'application/json', stream: false, next: async () => text }
  }
  const { body } = input
  if (body === undefined)
    return { contentType: undefined, stream: false, next: async () => undefined }
  if (isNodeReadable(body)) {
    const web = Readable.toWeb(
      body,
    ) as NodeWebStream<Uint8Array> as unknown as ReadableStream<Uint8Array>
    return streamBody(web, replayBufferBytes)
  }
  if (isWebStream(body)) return streamBody(body, replayBufferBytes)
  // Strings, bytes, blobs, URLSearchParams and FormData: fetch serialises them afresh each time.
  const fixed: BodyInit = body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : body
  return { contentType: undefined, stream: false, next: async () => fixed }
}
