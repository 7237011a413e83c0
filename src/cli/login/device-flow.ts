/**
 * `zoho-auth login --device`: the device flow for machines without a browser. The person opens
 * the verification URL anywhere, enters the code, and we poll until Zoho hands out the tokens,
 * then store the grant through the TokenManager.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/devices/device-flow.html
 */
import { dataCenterTable } from '../../protocol/data-centers.js'
import { ZohoOAuthError } from '../../protocol/errors.js'
import { pollDeviceToken, requestDeviceCode } from '../../protocol/token-endpoint.js'
import type { Connection } from '../../stores/store.js'
import { NoRefreshTokenError } from '../../tokens/errors.js'
import type { CommandContext } from '../command.js'
import { requireClient, type Runtime } from '../runtime.js'
import { ERR_LOGIN_REFUSED, LoginError } from './errors.js'
import { pollDeviceUntilApproved } from './device-poll.js'
import { startWaiting } from './spinner.js'
import { sleep } from './wait.js'

const REQUEST_TIMEOUT_MS = 15_000

export interface DeviceLoginOptions {
  ctx: CommandContext
  runtime: Runtime
  connectionId: string
  timeoutMs: number
}

function notADeviceClient(cause: unknown): LoginError {
  return new LoginError(
    ERR_LOGIN_REFUSED,
    'Zoho refused to start the device flow for this client (invalid_client)',
    {
      remedy:
        'The device flow needs a "Non-browser Application" client (its id starts with 1004.) enabled in this data centre: create one in the Zoho API console and set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET to it, or run `zoho-auth login` without --device.',
      error: 'invalid_client',
      cause,
    },
  )
}

export async function deviceLogin(o: DeviceLoginOptions): Promise<Connection> {
  const { ctx, runtime } = o
  const { config } = runtime
  requireClient(config)
  const clientId = config.clientId ?? ''
  const dataCenters = dataCenterTable({ emulatorURL: config.emulatorURL })
  const accountsServer = (location: string): string => {
    const dc = dataCenters.byLocation(location)
    if (dc === undefined) throw new Error(`no data centre ${location} in the table`)
    return dc.accountsServer
  }
  const request = {
    allowInsecureHTTP: dataCenters.emulated,
    timeoutMs: REQUEST_TIMEOUT_MS,
    signal: ctx.signal,
  }
  const started = Date.now()
  const authorization = await requestDeviceCode(
    { accountsServer: accountsServer(config.dc), clientId, scopes: config.scopes },
    request,
  ).catch((error: unknown) => {
    throw error instanceof ZohoOAuthError && error.error === 'invalid_client'
      ? notADeviceClient(error)
      : error
  })
  const codeLifeMs = authorization.expiresInSeconds * 1000
  const deadline = started + Math.min(o.timeoutMs, codeLifeMs)
  ctx.stderr.write(
    `To sign in, open this URL on any device:\n\n  ${authorization.verificationURL}\n\nand enter the code:  ${authorization.userCode}\n\n`,
  )
  const spinner = startWaiting({
    out: ctx.stderr,
    env: ctx.env,
    text: 'Waiting for the code to be approved',
    deadline,
  })
  let approved
  try {
    approved = await pollDeviceUntilApproved({
      location: config.dc,
      intervalMs: authorization.intervalSeconds * 1000,
      deadline,
      now: Date.now,
      sleep: (ms) => sleep(ms, ctx.signal),
      onNote: (text) => spinner.note(text),
      poll: (location) =>
        pollDeviceToken(
          {
            accountsServer: accountsServer(location),
            clientId,
            // A multi-DC client may have a secret per DC (ZOHO_CLIENT_SECRET_<DC>).
            clientSecret: config.dcSecrets[location] ?? config.clientSecret ?? '',
            deviceCode: authorization.deviceCode,
          },
          request,
        ),
    })
  } finally {
    spinner.stop()
  }
  const refreshToken = approved.tokens.refreshToken
  if (refreshToken === undefined) throw new NoRefreshTokenError()
  // The manager has no "store these tokens" entry point, so the new refresh token is adopted
  // with one refresh (one mint of ten), which also checks it works in the DC Zoho named.
  return runtime.manager.importRefreshToken({
    id: o.connectionId,
    refreshToken,
    dc: approved.location,
    replace: true,
  })
}
