import { describe, it, expect } from 'vitest'
import {
  DATA_CENTER_LOCATIONS,
  dataCenterTable,
  emulatorDataCenters,
  isDataCenterLocation,
  trustedApiDomain,
  zohoDataCenters,
} from './data-centers.js'
import { ERR_INSECURE_URL, ZohoAuthError } from './errors.js'

describe('zohoDataCenters', () => {
  it('zohoDataCenters holds the nine DCs of docs/zoho-behaviour.md §1', () => {
    expect(
      zohoDataCenters.dataCenters.map((dc) => [dc.location, dc.accountsServer, dc.apiDomain]),
    ).toEqual([
      ['us', 'https://accounts.zoho.com', 'https://www.zohoapis.com'],
      ['eu', 'https://accounts.zoho.eu', 'https://www.zohoapis.eu'],
      ['in', 'https://accounts.zoho.in', 'https://www.zohoapis.in'],
      ['au', 'https://accounts.zoho.com.au', 'https://www.zohoapis.com.au'],
      ['jp', 'https://accounts.zoho.jp', 'https://www.zohoapis.jp'],
      ['ca', 'https://accounts.zohocloud.ca', 'https://www.zohoapis.ca'],
      ['sa', 'https://accounts.zoho.sa', 'https://www.zohoapis.sa'],
      ['uk', 'https://accounts.zoho.uk', 'https://www.zohoapis.uk'],
      ['cn', 'https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn'],
    ])
    expect(zohoDataCenters.emulated).toBe(false)
  })

  it('zohoDataCenters looks DCs up by location, accounts server and API domain', () => {
    for (const dc of zohoDataCenters.dataCenters) {
      expect(zohoDataCenters.byLocation(dc.location)).toBe(dc)
      expect(zohoDataCenters.byAccountsServer(`${dc.accountsServer.toUpperCase()}/`)).toBe(dc)
      expect(zohoDataCenters.byApiDomain(dc.apiDomain)).toBe(dc)
    }
    expect(zohoDataCenters.byApiDomain('https://sandbox.zohoapis.com.au')?.location).toBe('au')
    expect(zohoDataCenters.byApiDomain('https://developer.zohoapis.eu')?.location).toBe('eu')
  })

  it('zohoDataCenters knows no other host', () => {
    expect(zohoDataCenters.byAccountsServer('https://accounts.evil.example')).toBeUndefined()
    expect(zohoDataCenters.byAccountsServer('http://accounts.zoho.com')).toBeUndefined()
    expect(zohoDataCenters.byAccountsServer('not a url')).toBeUndefined()
    expect(zohoDataCenters.byLocation('mars')).toBeUndefined()
  })
})

describe('emulatorDataCenters', () => {
  it('emulatorDataCenters puts every DC under the base URL', () => {
    const table = emulatorDataCenters('http://127.0.0.1:4010/')
    expect(table.emulated).toBe(true)
    expect(table.dataCenters.map((dc) => dc.location)).toEqual([...DATA_CENTER_LOCATIONS])
    expect(table.byLocation('ca')).toEqual({
      location: 'ca',
      accountsServer: 'http://127.0.0.1:4010/ca/accounts',
      apiDomain: 'http://127.0.0.1:4010/ca/api',
    })
    expect(table.byAccountsServer('http://127.0.0.1:4010/uk/accounts/')?.location).toBe('uk')
    expect(table.byAccountsServer('https://accounts.zoho.com')).toBeUndefined()
  })
})

describe('emulatorDataCenters: a malformed base', () => {
  it('emulatorDataCenters refuses a base that is not an http(s) URL, naming it', () => {
    for (const base of ['not a url', 'ftp://127.0.0.1:4010', 'http://127.0.0.1:99999']) {
      let error: unknown
      try {
        emulatorDataCenters(base)
      } catch (caught) {
        error = caught
      }
      expect(error, base).toBeInstanceOf(ZohoAuthError)
      expect((error as ZohoAuthError).code).toBe(ERR_INSECURE_URL)
      expect((error as ZohoAuthError).message).toBe(
        `The emulator URL "${base}" is not an http(s) URL`,
      )
    }
  })
})

describe('dataCenterTable', () => {
  it("dataCenterTable picks the emulator's table only when a URL is set", () => {
    expect(dataCenterTable()).toBe(zohoDataCenters)
    expect(dataCenterTable({ emulatorURL: '' })).toBe(zohoDataCenters)
    expect(dataCenterTable({ emulatorURL: 'http://localhost:9' }).emulated).toBe(true)
  })
})

describe('isDataCenterLocation', () => {
  it('isDataCenterLocation accepts the nine codes only', () => {
    expect(DATA_CENTER_LOCATIONS.every(isDataCenterLocation)).toBe(true)
    expect(isDataCenterLocation('com')).toBe(false)
    expect(isDataCenterLocation('EU')).toBe(false)
  })
})

describe('trustedApiDomain', () => {
  it("trustedApiDomain answers the table's API host of the connection's DC, never the string it got", () => {
    expect(trustedApiDomain(zohoDataCenters, 'eu', 'https://www.zohoapis.eu')).toBe(
      'https://www.zohoapis.eu',
    )
    expect(trustedApiDomain(zohoDataCenters, 'eu', ' HTTPS://WWW.ZOHOAPIS.EU/ ')).toBe(
      'https://www.zohoapis.eu',
    )
    expect(trustedApiDomain(zohoDataCenters, 'in', 'https://sandbox.zohoapis.in')).toBe(
      'https://sandbox.zohoapis.in',
    )
    expect(trustedApiDomain(zohoDataCenters, 'au', 'https://developer.zohoapis.com.au')).toBe(
      'https://developer.zohoapis.com.au',
    )
    const emulator = emulatorDataCenters('http://127.0.0.1:4010')
    expect(trustedApiDomain(emulator, 'ca', 'http://127.0.0.1:4010/ca/api/')).toBe(
      'http://127.0.0.1:4010/ca/api',
    )
  })

  it('trustedApiDomain refuses another DC, another host, credentials, a query and garbage', () => {
    for (const received of [
      'https://www.zohoapis.com', // the US host for an EU connection
      'https://evil.example',
      'https://www.zohoapis.eu.evil.example',
      'https://www.zohoapis.eu@evil.example',
      'https://user:pass@www.zohoapis.eu',
      'https://www.zohoapis.eu?redirect=evil',
      'https://www.zohoapis.eu#x',
      'https://www.zohoapis.eu/crm',
      'https://www.zohoapis.eu:8443',
      'http://www.zohoapis.eu',
      'not a url',
      '',
    ]) {
      expect(trustedApiDomain(zohoDataCenters, 'eu', received), received).toBeUndefined()
    }
    expect(trustedApiDomain(zohoDataCenters, 'mars', 'https://www.zohoapis.eu')).toBeUndefined()
    const emulator = emulatorDataCenters('http://127.0.0.1:4010')
    expect(trustedApiDomain(emulator, 'ca', 'http://127.0.0.1:4010/us/api')).toBeUndefined()
    expect(trustedApiDomain(emulator, 'ca', 'https://www.zohoapis.ca')).toBeUndefined()
  })
})
