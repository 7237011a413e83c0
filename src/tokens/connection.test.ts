import { describe, it, expect } from 'vitest'
import type { Connection } from '../stores/store.js'
import {
  canReadCRMUser,
  canReadUserInfo,
  evictedConnections,
  isEvicted,
  needsRefresh,
  refreshMargin,
  validToken,
} from './connection.js'

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'c',
    clientId: 'client',
    dc: 'us',
    accountsServer: 'https://accounts.zoho.com',
    apiDomain: 'https://www.zohoapis.com',
    scopes: [],
    zuid: '1',
    email: null,
    refreshToken: 'r',
    accessToken: 'a',
    accessTokenExpiresAt: 3_600_000,
    status: 'active',
    lastError: null,
    evicted: false,
    version: 1,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  }
}

describe('refreshMargin', () => {
  it('refreshMargin: is the configured margin, at most a quarter of the lifetime', () => {
    expect(refreshMargin(300_000, 3_600_000)).toBe(300_000)
    expect(refreshMargin(300_000, 8_000)).toBe(2_000)
    expect(refreshMargin(300_000, 0)).toBe(0)
  })
})

describe('needsRefresh', () => {
  it('needsRefresh: true without a token, inside the margin, or expired', () => {
    expect(needsRefresh(connection({ accessToken: null }), 0, 300_000)).toBe(true)
    expect(needsRefresh(connection(), 3_300_000 - 1, 300_000)).toBe(false)
    expect(needsRefresh(connection(), 3_300_000, 300_000)).toBe(true)
    expect(validToken(connection(), 3_599_999)?.accessToken).toBe('a')
    expect(validToken(connection(), 3_600_000)).toBeNull()
  })
})

describe('scopes', () => {
  it('canReadUserInfo / canReadCRMUser: match Zoho scope names case-insensitively', () => {
    expect(canReadUserInfo(['aaaserver.profile.read'])).toBe(true)
    expect(canReadUserInfo(['ZohoCRM.users.READ'])).toBe(false)
    expect(canReadCRMUser(['ZohoCRM.users.READ'])).toBe(true)
    expect(canReadCRMUser(['ZohoCRM.users.ALL'])).toBe(true)
    expect(canReadCRMUser(['ZohoCRM.ALL'])).toBe(true)
    expect(canReadCRMUser(['ZohoCRM.modules.ALL'])).toBe(false)
  })
})

describe('evictedConnections', () => {
  it('evictedConnections: everything past the newest 20 of one client and user', () => {
    const all = Array.from({ length: 22 }, (_, i) =>
      connection({ id: `c${i}`, createdAt: i, zuid: '1' }),
    )
    all.push(connection({ id: 'other-user', createdAt: -1, zuid: '2' }))
    all.push(connection({ id: 'other-client', createdAt: -1, clientId: 'x' }))
    expect(evictedConnections({ clientId: 'client', zuid: '1' }, all, 20).map((c) => c.id)).toEqual(
      ['c1', 'c0'],
    )
    expect(evictedConnections({ clientId: 'client', zuid: null }, all, 20)).toEqual([])
    expect(isEvicted(all[1] as Connection, all, 20)).toBe(true)
    expect(isEvicted(all[2] as Connection, all, 20)).toBe(false)
  })
})

describe('isEvicted', () => {
  it("isEvicted: counts only newer grants that hold one of Zoho's slots (active ones)", () => {
    const all = Array.from({ length: 21 }, (_, i) => connection({ id: `c${i}`, createdAt: i }))
    const target = all[0] as Connection
    expect(isEvicted(target, all, 20)).toBe(true)
    for (const status of ['revoked', 'needs_reauth'] as const) {
      const holding = all.map((c) => (c.id === 'c7' ? { ...c, status } : c))
      expect(isEvicted(target, holding, 20)).toBe(false)
    }
  })
})
