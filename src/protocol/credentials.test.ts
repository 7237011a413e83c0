import { describe, it, expect } from 'vitest'
import {
  checkClientId,
  checkClientSecret,
  checkGrantCode,
  checkRefreshToken,
} from './credentials.js'
import { CredentialFormatError, ERR_CREDENTIAL_FORMAT } from './errors.js'

const ID = '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'
const DEVICE_ID = '1004.JNB00640KVIR87109F4XV941E2SY22'
const SECRET = '215734b0b2ca5f80f058a4be261e29cbbda609c2b6'
const TOKEN = `1000.${'0123456789abcdef'.repeat(2)}.${'fedcba9876543210'.repeat(2)}`

function rejection(fn: () => unknown): CredentialFormatError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialFormatError)
    expect((error as CredentialFormatError).code).toBe(ERR_CREDENTIAL_FORMAT)
    return error as CredentialFormatError
  }
  throw new Error('expected a CredentialFormatError')
}

describe('CredentialFormatError.mayBeValid', () => {
  it('checkClientId and checkClientSecret mark only shape deviations as maybe valid', () => {
    for (const fn of [
      () => checkClientId(ID.slice(0, -4)),
      () => checkClientId(ID.toLowerCase()),
      () => checkClientId('my-app'),
      () => checkClientSecret(SECRET.slice(0, 40)),
      () => checkClientSecret('not-hex-at-all'),
    ]) {
      expect(rejection(fn).mayBeValid).toBe(true)
    }
    for (const fn of [
      () => checkClientId(`"${ID}"`),
      () => checkClientId(SECRET),
      () => checkClientId(TOKEN),
      () => checkClientSecret(`${SECRET.slice(0, 9)} ${SECRET.slice(9)}`),
      () => checkClientSecret(`ZOHO_CLIENT_SECRET=${SECRET}`),
      () => checkClientSecret(ID),
      () => checkClientSecret(TOKEN),
    ]) {
      expect(rejection(fn).mayBeValid).toBe(false)
    }
  })
})

describe('checkClientId', () => {
  it('checkClientId accepts 1000. and 1004. ids and trims whitespace, newlines and a BOM', () => {
    expect(checkClientId(ID)).toBe(ID)
    expect(checkClientId(DEVICE_ID)).toBe(DEVICE_ID)
    expect(checkClientId(`  ${ID}\r\n`)).toBe(ID)
    expect(checkClientId(`\ufeff${ID}\u200b`)).toBe(ID)
  })

  it('checkClientId refuses quotes and says to remove them', () => {
    for (const quoted of [`"${ID}"`, `'${ID}'`, `“${ID}”`, `${ID}"`]) {
      const error = rejection(() => checkClientId(quoted))
      expect(error.field).toBe('clientId')
      expect(error.message).toBe('The client id is wrapped in quotes')
      expect(error.remedy).toBe('Remove the quotes and paste the bare value.')
    }
  })

  it('checkClientId refuses a client secret pasted as client id', () => {
    const error = rejection(() => checkClientId(SECRET))
    expect(error.message).toBe('The client id looks like a client secret (42 hex characters)')
    expect(error.remedy).toBe(
      'Use it as the client secret (ZOHO_CLIENT_SECRET), and copy the Client ID (1000. followed by 30 capital letters and digits) into ZOHO_CLIENT_ID.',
    )
    expect(error.message + error.remedy).not.toContain(SECRET)
  })

  it('checkClientId refuses a truncated id', () => {
    const error = rejection(() => checkClientId(ID.slice(0, -4)))
    expect(error.message).toBe(
      'The client id is too short: 26 of 30 characters after "1000.", so it looks cut off',
    )
    expect(error.remedy).toBe(
      'Copy the whole Client ID, and nothing else, from the Zoho API console (api-console.zoho.com).',
    )
  })

  it('checkClientId refuses an id that is too long or in lower case', () => {
    expect(rejection(() => checkClientId(`${ID}XY`)).message).toBe(
      'The client id is too long: 32 characters after "1000." where Zoho uses 30',
    )
    expect(rejection(() => checkClientId(ID.toLowerCase())).message).toBe(
      'The client id contains lower-case letters; Zoho client ids are all capitals',
    )
  })

  it('checkClientId refuses a token and anything else', () => {
    expect(rejection(() => checkClientId(TOKEN)).message).toBe(
      'The client id looks like a token or grant code, not a client id',
    )
    const error = rejection(() => checkClientId('my-app'))
    expect(error.message).toBe(
      'The client id does not look like a Zoho client id (1000. followed by 30 capital letters and digits)',
    )
    expect(error.remedy).toBe(
      'Copy the Client ID from the Zoho API console (api-console.zoho.com): 1000. followed by 30 capital letters and digits.',
    )
  })

  it('checkClientId refuses an empty value, NAME=value and inner whitespace', () => {
    expect(rejection(() => checkClientId(' \n')).message).toBe('The client id is empty')
    for (const line of [
      `ZOHO_CLIENT_ID=${ID}`,
      `export ZOHO_CLIENT_ID="${ID}"`,
      `client_id: ${ID}`,
    ]) {
      const error = rejection(() => checkClientId(line))
      expect(error.message).toBe('The client id includes a variable name before "=" or ":"')
      expect(error.remedy).toBe('Paste only the value after the "=" (or ":"), without the name.')
    }
    const wrapped = rejection(() => checkClientId(`${ID.slice(0, 15)}\n${ID.slice(15)}`))
    expect(wrapped.message).toBe('The client id contains a space or line break')
  })
})

describe('checkClientSecret', () => {
  it('checkClientSecret accepts 42 hex characters, trimmed', () => {
    expect(checkClientSecret(`${SECRET}\n`)).toBe(SECRET)
  })

  it('checkClientSecret refuses a client id pasted as secret', () => {
    const error = rejection(() => checkClientSecret(ID))
    expect(error.field).toBe('clientSecret')
    expect(error.message).toBe('The client secret looks like a client id (it starts with 1000.)')
    expect(error.remedy).toBe(
      'Use it as the client id (ZOHO_CLIENT_ID), and copy the Client Secret (42 hexadecimal characters, 0-9 and a-f) into ZOHO_CLIENT_SECRET.',
    )
  })

  it('checkClientSecret refuses a truncated or over-long secret without echoing it', () => {
    const short = rejection(() => checkClientSecret(SECRET.slice(0, 40)))
    expect(short.message).toBe(
      'The client secret is too short: 40 of 42 characters, so it looks cut off',
    )
    expect(rejection(() => checkClientSecret(`${SECRET}ab`)).message).toBe(
      'The client secret is too long: 44 characters where Zoho uses 42',
    )
  })

  it('checkClientSecret refuses quotes, a token and other text', () => {
    expect(rejection(() => checkClientSecret(`'${SECRET}'`)).message).toBe(
      'The client secret is wrapped in quotes',
    )
    expect(rejection(() => checkClientSecret(TOKEN)).message).toBe(
      'The client secret looks like a token or grant code',
    )
    expect(rejection(() => checkClientSecret('hunter2!')).message).toBe(
      'The client secret does not look like a Zoho client secret (42 hexadecimal characters, 0-9 and a-f)',
    )
  })
})

describe('checkRefreshToken', () => {
  it('checkRefreshToken accepts a token, trimmed', () => {
    expect(checkRefreshToken(` ${TOKEN} \n`)).toBe(TOKEN)
  })

  it('checkRefreshToken refuses a Zoho-oauthtoken or Bearer prefix and explains it is an access token', () => {
    for (const scheme of ['Zoho-oauthtoken', 'Bearer']) {
      const error = rejection(() => checkRefreshToken(`${scheme} ${TOKEN}`))
      expect(error.field).toBe('refreshToken')
      expect(error.message).toBe(`The refresh token starts with "${scheme}"`)
      expect(error.remedy).toBe(
        `Remove the "${scheme}" prefix; note that an Authorization header carries an access token (valid 1 hour), not the refresh token.`,
      )
    }
  })

  it('checkRefreshToken refuses a truncated token', () => {
    const error = rejection(() => checkRefreshToken(TOKEN.slice(0, 40)))
    expect(error.message).toBe(
      'The refresh token is too short: 40 of 70 characters, so it looks cut off',
    )
    expect(error.remedy).toBe(
      'Copy the whole refresh_token (1000. followed by two 32-character hex parts joined by a dot) from the token response, or connect again to get a new one.',
    )
  })

  it('checkRefreshToken refuses a client id, a secret, odd characters and other text', () => {
    expect(rejection(() => checkRefreshToken(ID)).message).toBe(
      'The refresh token looks like a client id',
    )
    expect(rejection(() => checkRefreshToken(SECRET)).message).toBe(
      'The refresh token looks like a client secret',
    )
    expect(
      rejection(() => checkRefreshToken(`1000.${'g'.repeat(32)}.${'a'.repeat(32)}`)).message,
    ).toBe(
      'The refresh token contains characters Zoho refresh tokens never have (only 0-9 and a-f around the dots)',
    )
    expect(rejection(() => checkRefreshToken(`${TOKEN}00`)).message).toBe(
      "The refresh token is too long: 72 characters where Zoho's have 70",
    )
    expect(rejection(() => checkRefreshToken('abc')).message).toBe(
      'The refresh token does not look like a Zoho refresh token (1000. followed by two 32-character hex parts joined by a dot)',
    )
  })

  it('checkRefreshToken says a rejected well-formed token may be an access token', () => {
    const error = rejection(() => checkRefreshToken(TOKEN, { rejectedByZoho: true }))
    expect(error.message).toBe('Zoho rejected the refresh token although it is well-formed')
    expect(error.remedy).toContain(
      'may be an access token or a grant code, which look exactly alike',
    )
  })
})

describe('checkGrantCode', () => {
  it('checkGrantCode accepts a code, trimmed', () => {
    expect(checkGrantCode(`${TOKEN}\n`)).toBe(TOKEN)
  })

  it('checkGrantCode refuses a whole redirect URL and points at its location', () => {
    const error = rejection(() =>
      checkGrantCode(`http://localhost:3001/cb?code=${TOKEN}&location=eu&accounts-server=x`),
    )
    expect(error.field).toBe('grantCode')
    expect(error.message).toBe('The grant code is a whole URL')
    expect(error.remedy).toBe(
      'Paste only the value of its code parameter, and note its location parameter: the code must be exchanged in that data centre.',
    )
  })

  it('checkGrantCode refuses a truncated code and quotes', () => {
    expect(rejection(() => checkGrantCode(TOKEN.slice(0, 37))).message).toBe(
      'The grant code is too short: 37 of 70 characters, so it looks cut off',
    )
    expect(rejection(() => checkGrantCode(`"${TOKEN}"`)).message).toBe(
      'The grant code is wrapped in quotes',
    )
  })
})
