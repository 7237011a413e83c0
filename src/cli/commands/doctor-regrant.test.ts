import { describe, expect, it } from 'vitest'
import { grantFlowOf, regrantRemedy } from './doctor-regrant.js'

const SERVER_ID = '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'
const DEVICE_ID = '1004.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'
const none = { storedFromSelfClientFile: false, redirectConfigured: false }

describe('grantFlowOf', () => {
  it('grantFlowOf: a 1004. client is a device client, whatever else is configured', () => {
    expect(grantFlowOf({ clientId: DEVICE_ID }, { ...none, redirectConfigured: true })).toBe(
      'device',
    )
  })

  it('grantFlowOf: a client stored from self_client.json is a Self Client even with a redirect URI', () => {
    const clues = { storedFromSelfClientFile: true, redirectConfigured: true }
    expect(grantFlowOf({ clientId: SERVER_ID }, clues)).toBe('self_client')
  })

  it('grantFlowOf: a configured redirect URI means a Server-based client; none, a Self Client', () => {
    expect(grantFlowOf({ clientId: SERVER_ID }, { ...none, redirectConfigured: true })).toBe(
      'server',
    )
    expect(grantFlowOf({ clientId: SERVER_ID }, none)).toBe('self_client')
  })
})

describe('regrantRemedy', () => {
  it('regrantRemedy: each flow names its own command with the connection and scopes', () => {
    const scopes = ['ZohoCRM.users.READ', 'ZohoCRM.org.READ']
    expect(regrantRemedy('server', 'crm', scopes)).toBe(
      'zoho-auth login --connection crm --scopes ZohoCRM.users.READ,ZohoCRM.org.READ',
    )
    expect(regrantRemedy('device', 'crm', scopes)).toBe(
      'zoho-auth login --device --connection crm --scopes ZohoCRM.users.READ,ZohoCRM.org.READ',
    )
    expect(regrantRemedy('self_client', 'crm', scopes)).toBe(
      'mint a new code for this Self Client (api-console.zoho.com → Self Client → Generate Code, scopes ZohoCRM.users.READ,ZohoCRM.org.READ), then within its minutes: zoho-auth exchange --code CODE --connection crm --replace',
    )
    // In emulator mode the code comes from the emulator's control API, not the console.
    expect(regrantRemedy('self_client', 'crm', scopes, 'http://127.0.0.1:3002')).toBe(
      'mint a new code for this Self Client (the emulator: POST http://127.0.0.1:3002/__emulator/self-client/code, scopes ZohoCRM.users.READ,ZohoCRM.org.READ), then within its minutes: zoho-auth exchange --code CODE --connection crm --replace',
    )
  })
})
