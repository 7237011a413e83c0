/**
 * A request body streamed to Zoho that can be sent a second time (the one retry after a refused
 * token). Every chunk that passes is kept, up to `limit` bytes — the broker's `maxBodyBytes`, the
 * same cap that refuses a larger body with 413 — so any body the proxy accepts can be replayed,
 * and no request holds more than `limit` bytes in memory.
 *
 * Each attempt gets its own stream: the chunks kept so far, then the rest of the caller's body
 * as it arrives. Zoho may answer (and the first attempt's stream be cancelled) before it read the
 * whole body; cancelling an attempt's stream leaves the caller's body where it was, so the retry
 * still sends all of it.
 */

/** Thrown into an attempt's stream when the body passes the limit. */
export class BodyTooLargeSignal extends Error {
  override name = 'BodyTooLargeSignal'
}

export class ReplayableBody {
  private readonly chunks: Uint8Array[] = []
  private size = 0
  private finished = false
  /** True once the caller's body has passed `limit`; the request answers 413. */
  tooLarge = false

  constructor(
    private readonly source: ReadableStreamDefaultReader<Uint8Array>,
    private readonly limit: number,
  ) {}

  /** A stream of the whole body for one attempt. */
  stream(): ReadableStream<Uint8Array> {
    let index = 0
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const kept = this.chunks[index]
        if (kept !== undefined) {
          index += 1
          controller.enqueue(kept)
          return
        }
        if (this.finished) {
          controller.close()
          return
        }
        const { done, value } = await this.source.read()
        if (done) {
          this.finished = true
          controller.close()
          return
        }
        this.size += value.byteLength
        if (this.size > this.limit) {
          this.tooLarge = true
          void this.source.cancel().catch(() => undefined)
          controller.error(new BodyTooLargeSignal(`request body over ${this.limit} bytes`))
          return
        }
        this.chunks.push(value)
        index += 1
        controller.enqueue(value)
      },
      // The caller's body stays: a retry may need the rest of it.
      cancel: () => undefined,
    })
  }

  /** Stops reading the caller's body (the request is over). */
  discard(): void {
    if (!this.finished) void this.source.cancel().catch(() => undefined)
    this.chunks.length = 0
  }
}
