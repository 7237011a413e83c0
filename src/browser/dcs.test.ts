import { describe, it, expect } from 'vitest'
import { emulatorDataCenters, zohoDataCenters } from '../protocol/data-centers.js'
import { DC_LOCATIONS, dcHosts } from './dcs.js'

describe('dcHosts', () => {
  it('matches the protocol core’s table for all nine DCs (the browser module keeps its own copy)', () => {
    expect([...DC_LOCATIONS].sort()).toEqual(
      zohoDataCenters.dataCenters.map((dc) => dc.location).sort(),
    )
    for (const dc of zohoDataCenters.dataCenters) {
      expect(dcHosts(dc.location)).toEqual({ accounts: dc.accountsServer, api: dc.apiDomain })
    }
  })

  it('puts every DC under the emulator’s base URL, like the protocol core', () => {
    const table = emulatorDataCenters('http://127.0.0.1:3002')
    for (const dc of table.dataCenters) {
      expect(dcHosts(dc.location, 'http://127.0.0.1:3002/')).toEqual({
        accounts: dc.accountsServer,
        api: dc.apiDomain,
      })
    }
  })

  it('knows no other location, nor an inherited property name', () => {
    expect(dcHosts('mars')).toBeUndefined()
    expect(dcHosts('toString')).toBeUndefined()
    expect(dcHosts('__proto__')).toBeUndefined()
  })
})
