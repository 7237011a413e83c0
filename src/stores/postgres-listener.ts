/**
 * One LISTEN connection per store, shared by every waiter: a notification carries the id of the
 * connection row that changed. If the listening connection is lost, every waiter is woken (they
 * re-read) and the next wait reconnects; until then waits fall back to their timeout.
 */
import { EventEmitter } from 'node:events'
import type { Notification, PoolClient } from 'pg'

const RESET = 'reset'

// Prefixed so a connection called `error` or `reset` is not one of the emitter's own events.
function eventOf(id: string): string {
  return `change:${id}`
}

export class PostgresListener {
  readonly #connect: () => Promise<PoolClient>
  readonly #channel: string
  readonly #events = new EventEmitter().setMaxListeners(0)
  #client: PoolClient | null = null
  #connecting: Promise<PoolClient> | null = null
  #closed = false

  constructor(options: { connect: () => Promise<PoolClient>; channel: string }) {
    this.#connect = options.connect
    this.#channel = options.channel
  }

  /**
   * Resolves on a notification for `id`, a lost listener, or after `timeoutMs`. While the
   * listener is first being set up a change could slip by unheard, so `state` is compared
   * before and after to catch it.
   */
  async wait(id: string, timeoutMs: number, state: () => Promise<string>): Promise<void> {
    let woken = false
    let wake = (): void => {}
    const woke = new Promise<void>((resolve) => {
      wake = (): void => {
        woken = true
        resolve()
      }
    })
    const timer = setTimeout(wake, timeoutMs)
    this.#events.on(eventOf(id), wake)
    this.#events.on(RESET, wake)
    try {
      if (this.#client === null && !this.#closed) {
        // Not awaited: a slow connect (a busy pool) must not hold the caller past its timeout.
        void (async (): Promise<void> => {
          const before = await state()
          const listening = await this.#listen().then(
            () => true,
            () => false,
          )
          if (listening && !woken && (await state()) !== before) wake()
        })()
      }
      await woke
    } finally {
      clearTimeout(timer)
      this.#events.off(eventOf(id), wake)
      this.#events.off(RESET, wake)
    }
  }

  #listen(): Promise<PoolClient> {
    if (this.#client !== null) return Promise.resolve(this.#client)
    if (this.#closed) return Promise.reject(new Error('store closed'))
    this.#connecting ??= (async (): Promise<PoolClient> => {
      const client = await this.#connect()
      const lost = (): void => {
        if (this.#client !== client) return
        this.#client = null
        client.release(true)
        this.#events.emit(RESET)
      }
      client.on('error', lost)
      client.on('end', lost)
      client.on('notification', (message: Notification) => {
        if (message.channel === this.#channel && message.payload !== undefined) {
          this.#events.emit(eventOf(message.payload))
        }
      })
      try {
        await client.query(`LISTEN "${this.#channel}"`)
      } catch (error) {
        client.release(true)
        throw error
      }
      if (this.#closed) {
        client.release(true)
        throw new Error('store closed')
      }
      this.#client = client
      return client
    })().finally(() => {
      this.#connecting = null
    })
    return this.#connecting
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#connecting?.catch(() => undefined)
    const client = this.#client
    this.#client = null
    this.#events.emit(RESET)
    if (client !== null) client.release(true)
  }
}
