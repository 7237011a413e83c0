/**
 * Broker API keys: `zab_` + 32 random bytes (base64url). Only the key's SHA-256 is stored; the
 * key is shown once, when it is created, and afterwards only its prefix.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { ApiKeyRecord, ConnectionStore } from '../stores/store.js'

export const API_KEY_PREFIX = 'zab_'
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Creates and stores a key; the returned `key` exists nowhere else, so show it now. */
export async function createApiKey(
  store: ConnectionStore,
  name: string,
  now: number,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url')
  const record: ApiKeyRecord = {
    id: randomUUID(),
    name,
    prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
    hash: hashApiKey(key),
    createdAt: now,
    lastUsedAt: null,
  }
  await store.createApiKey(record)
  return { key, record }
}

/** The stored record of a presented key, or null. Looked up by hash: no comparison to time. */
export async function findApiKey(
  store: ConnectionStore,
  presented: string,
): Promise<ApiKeyRecord | null> {
  if (!presented.startsWith(API_KEY_PREFIX)) return null
  return store.findApiKeyByHash(hashApiKey(presented))
}
