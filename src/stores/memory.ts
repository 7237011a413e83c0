/**
 * The in-process store: for tests, scripts and single-process apps that re-authorise on start.
 * Nothing is encrypted (nothing reaches a disk), but rows are copied in and out so callers can
 * never mutate what is stored behind the store's back.
 */
import { EventEmitter } from 'node:events'
import { ApiKeyExistsError, ConnectionExistsError } from './errors.js'
import type {
  ApiKeyRecord,
  Connection,
  ConnectionPatch,
  ConnectionStore,
  NewConnection,
  StoredClient,
} from './store.js'

interface Lease {
  owner: string
  expiresAt: number
}

function copy<T>(value: T): T {
  return structuredClone(value)
}

/** A ConnectionStore held in memory, shared by whoever holds the instance. */
export class MemoryStore implements ConnectionStore {
  readonly #connections = new Map<string, Connection>()
  /** The last version of each deleted id, so a re-created id carries on from it. */
  readonly #deletedVersions = new Map<string, number>()
  readonly #leases = new Map<string, Lease>()
  readonly #mints = new Map<string, number[]>()
  readonly #clients = new Map<string, StoredClient>()
  readonly #changes = new EventEmitter().setMaxListeners(0)
  #defaultConnection: string | null = null
  readonly #consumed = new Map<string, number>()
  readonly #apiKeys = new Map<string, ApiKeyRecord>()

  async migrate(): Promise<void> {}

  async get(id: string): Promise<Connection | null> {
    const found = this.#connections.get(id)
    return found === undefined ? null : copy(found)
  }

  async list(): Promise<Connection[]> {
    return [...this.#connections.values()].sort((a, b) => byCodeUnit(a.id, b.id)).map(copy)
  }

  async listIds(): Promise<string[]> {
    return [...this.#connections.keys()].sort(byCodeUnit)
  }

  async create(connection: NewConnection, now: number): Promise<Connection> {
    if (this.#connections.has(connection.id)) throw new ConnectionExistsError(connection.id)
    const version = (this.#deletedVersions.get(connection.id) ?? 0) + 1
    const row: Connection = {
      ...copy(connection),
      evicted: connection.evicted ?? false,
      version,
      createdAt: now,
      updatedAt: now,
    }
    this.#connections.set(row.id, row)
    this.#deletedVersions.delete(row.id)
    this.#changes.emit(eventOf(row.id))
    return copy(row)
  }

  async update(
    id: string,
    patch: ConnectionPatch,
    expectedVersion: number,
    now: number,
  ): Promise<Connection | null> {
    const current = this.#connections.get(id)
    if (current === undefined || current.version !== expectedVersion) return null
    const next: Connection = {
      ...current,
      ...copy(withoutUndefined(patch)),
      id,
      createdAt: current.createdAt,
      version: current.version + 1,
      updatedAt: now,
    }
    this.#connections.set(id, next)
    this.#changes.emit(eventOf(id))
    return copy(next)
  }

  async delete(id: string): Promise<boolean> {
    const current = this.#connections.get(id)
    this.#leases.delete(id)
    if (current === undefined) return false
    this.#connections.delete(id)
    this.#deletedVersions.set(id, current.version)
    this.#changes.emit(eventOf(id))
    return true
  }

  async rename(from: string, to: string, now: number): Promise<Connection | null> {
    const current = this.#connections.get(from)
    if (current === undefined) return null
    if (this.#connections.has(to)) throw new ConnectionExistsError(to)
    const version = Math.max(current.version, this.#deletedVersions.get(to) ?? 0) + 1
    const row: Connection = { ...current, id: to, version, updatedAt: now }
    this.#connections.delete(from)
    this.#leases.delete(from)
    this.#deletedVersions.set(from, current.version)
    this.#deletedVersions.delete(to)
    this.#connections.set(to, row)
    if (this.#defaultConnection === from) this.#defaultConnection = to
    this.#changes.emit(eventOf(from))
    this.#changes.emit(eventOf(to))
    return copy(row)
  }

  async acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    if (!this.#connections.has(id)) return false
    const lease = this.#leases.get(id)
    if (lease !== undefined && lease.owner !== owner && lease.expiresAt > now) return false
    this.#leases.set(id, { owner, expiresAt: now + ttlMs })
    return true
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    if (this.#leases.get(id)?.owner !== owner) return
    this.#leases.delete(id)
    // Waiters wake on release too: a holder that failed without writing frees them early.
    this.#changes.emit(eventOf(id))
  }

  async recordMint(key: string, now: number, windowMs: number): Promise<number[]> {
    const kept = (this.#mints.get(key) ?? []).filter((at) => at >= now - windowMs)
    kept.push(now)
    kept.sort((a, b) => a - b)
    this.#mints.set(key, kept)
    return kept.filter((at) => at <= now)
  }

  async mintsInWindow(key: string, now: number, windowMs: number): Promise<number[]> {
    return (this.#mints.get(key) ?? []).filter((at) => at >= now - windowMs && at <= now)
  }

  async forgetMint(key: string, at: number): Promise<void> {
    const mints = this.#mints.get(key)
    const index = mints?.indexOf(at) ?? -1
    if (index >= 0) mints?.splice(index, 1)
  }

  waitForChange(id: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#changes.off(eventOf(id), done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#changes.on(eventOf(id), done)
    })
  }

  async saveClient(
    client: Omit<StoredClient, 'createdAt' | 'updatedAt'>,
    now: number,
  ): Promise<StoredClient> {
    const createdAt = this.#clients.get(client.clientId)?.createdAt ?? now
    const row: StoredClient = { ...copy(client), createdAt, updatedAt: now }
    this.#clients.set(row.clientId, row)
    return copy(row)
  }

  async getClient(clientId: string): Promise<StoredClient | null> {
    const found = this.#clients.get(clientId)
    return found === undefined ? null : copy(found)
  }

  async listClients(): Promise<StoredClient[]> {
    return [...this.#clients.values()].sort((a, b) => byCodeUnit(a.clientId, b.clientId)).map(copy)
  }

  async deleteClient(clientId: string): Promise<boolean> {
    return this.#clients.delete(clientId)
  }

  async getDefaultConnection(): Promise<string | null> {
    return this.#defaultConnection
  }

  async setDefaultConnection(id: string | null): Promise<void> {
    this.#defaultConnection = id
  }

  async consumeOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    for (const [known, until] of this.#consumed) if (until <= now) this.#consumed.delete(known)
    if (this.#consumed.has(key)) return false
    this.#consumed.set(key, expiresAt)
    return true
  }

  async createApiKey(record: ApiKeyRecord): Promise<void> {
    const taken = [...this.#apiKeys.values()].some(
      (known) => known.id === record.id || known.hash === record.hash,
    )
    if (taken) throw new ApiKeyExistsError(record.id)
    this.#apiKeys.set(record.id, copy(record))
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return [...this.#apiKeys.values()].sort((a, b) => a.createdAt - b.createdAt).map(copy)
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const found = [...this.#apiKeys.values()].find((record) => record.hash === hash)
    return found === undefined ? null : copy(found)
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    const found = this.#apiKeys.get(id)
    if (found) found.lastUsedAt = now
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return this.#apiKeys.delete(id)
  }

  /** Nothing is encrypted in memory, so nothing needs re-encrypting. */
  async reencryptAll(): Promise<number> {
    return 0
  }

  async close(): Promise<void> {
    this.#changes.removeAllListeners()
  }
}

/** `{ a: undefined }` in a patch means "not given", as it does for the SQL stores. */
function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>
}

// The SQL stores order by binary collation; this matches them for ordinary ids.
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// Prefixed so a connection called `error` is not EventEmitter's special event.
function eventOf(id: string): string {
  return `change:${id}`
}
