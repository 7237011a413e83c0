// One process of the Zoho official SDK benchmark (@zohocrm/typescript-sdk-8.0, v3).
//
// Protocol with bench/sdk.js (the parent), one JSON object per line:
//   argv[2] = JSON config {base, clientId, clientSecret, refreshToken, storeFile, n, call, mode}
//   child → parent: {"ready":true, "expiresAt":ms}   after Initializer.initialize()
//   parent → child (stdin): {"startAt":ms}           everyone fires at the same instant
//   child → parent: {"done":true, ...results}
// mode "prime" initialises (which refreshes, since the store has no row yet) and exits;
// mode "cold" waits for the start signal first, then initialises (several first starts at once).
//
// How the SDK is pointed at the emulator (read from its dist/, not guessed):
// - `new Environment(url, accountsUrl, fileUploadUrl)` (routes/dc/environment.js). API calls go to
//   `environment.getUrl() + "/crm/v8/…"` (common_api_handler.js); the token request is POSTed to
//   `environment.getAccountsUrl()` AS IS — the SDK's own US value is the full
//   "https://accounts.zoho.com/oauth/v2/token", so ours is `{base}/us/accounts/oauth/v2/token`.
// - After a token response, OAuthToken.getToken() calls DataCenter.get(api_domain) and swaps the
//   environment only when api_domain is one of Zoho's known hosts; the emulator's is not, so our
//   custom Environment stays in force.
// - Expiry: FileStore keeps `expiry_time` as epoch ms; getToken() refreshes when
//   expiry - Date.now() < 5000 (oauth_token.js getTokenExpiry). There is no single-flight and no
//   lock: each concurrent getToken() that sees an expired token sends its own refresh request.
import { createRequire } from 'node:module'
import { config, runChild, send, tally, waitForStart } from '../child-protocol.js'

const require = createRequire(import.meta.url)
const sdk = require('@zohocrm/typescript-sdk-8.0')
const usersModule = require('@zohocrm/typescript-sdk-8.0/dist/core/com/zoho/crm/api/users/users_operations.js')

async function initialize() {
  const environment = new sdk.Environment(
    `${config.base}/us/api`,
    `${config.base}/us/accounts/oauth/v2/token`,
    `${config.base}/us/content`,
  )
  const token = new sdk.OAuthBuilder()
    .clientId(config.clientId)
    .clientSecret(config.clientSecret)
    .refreshToken(config.refreshToken)
    // findUser(true) (the default) makes every token save also call /crm/v8/users?type=CurrentUser;
    // kept on, because that is what an application using the SDK gets.
    .build()
  const store = new sdk.FileStore(config.storeFile)
  const logger = new sdk.LogBuilder().level(sdk.Levels.OFF).build()
  await new sdk.InitializeBuilder()
    .environment(environment)
    .token(token)
    .store(store)
    .logger(logger)
    .initialize()
  return token
}

async function oneCall(token) {
  if (config.call === 'users') {
    const params = new sdk.ParameterMap()
    await params.add(usersModule.GetUsersParam.TYPE, 'CurrentUser')
    const response = await new usersModule.UsersOperations().getUsers(params, new sdk.HeaderMap())
    if (response.getStatusCode() !== 200) throw new Error(`HTTP ${response.getStatusCode()}`)
    return token.getAccessToken()
  }
  // What authenticate() does before every API request.
  return token.getToken()
}

async function main() {
  if (config.mode === 'cold') {
    // First start of several processes on an empty FileStore: all initialise at once.
    send({ ready: true })
    await waitForStart()
    const began = Date.now()
    const token = await initialize()
    send({ done: true, ok: 1, failed: 0, began, ended: Date.now(), id: token.getId() })
    return
  }
  const token = await initialize()
  const expiresAt = Number(token.getExpiresIn())
  if (config.mode === 'prime') {
    send({ done: true, expiresAt, accessToken: Boolean(token.getAccessToken()) })
    return
  }
  send({ ready: true, expiresAt })
  await waitForStart()
  const expiredBySDKClock = Number(token.getExpiresIn()) - Date.now() < 5000
  const started = performance.now()
  const settled = await Promise.allSettled(Array.from({ length: config.n }, () => oneCall(token)))
  const elapsedMs = performance.now() - started
  const { ok, errors, tokens } = tally(settled)
  // getUsers does not hand the token back, so distinct tokens are only known for 'token' calls.
  const distinct = config.call === 'users' ? undefined : [...tokens]
  send({ done: true, ok, failed: config.n - ok, errors, tokens: distinct, elapsedMs, expiredBySDKClock })
}

runChild(main)
