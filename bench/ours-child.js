// One process of our burst: opens the shared store, warms its in-process cache with one call
// (the token is still valid, so no refresh), says ready, then at `startAt` fires `n` concurrent
// getAccessToken calls. Same line protocol as bench/peers/zoho-sdk-child.mjs.
import { config, runChild, send, tally, waitForStart } from './child-protocol.js'
import { openManager, openStore } from './stores.js'

/** A real CRM call, as an app would make it: the cached token, then the request. */
async function currentUser(manager, apiDomain) {
  const token = await manager.getAccessToken(config.connectionId)
  const response = await fetch(`${apiDomain}/crm/v8/users?type=CurrentUser`, {
    headers: { authorization: `Zoho-oauthtoken ${token}` },
  })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`)
  return token
}

async function main() {
  const store = await openStore(config.store, { path: config.path, url: config.url })
  await store.migrate()
  const client = { clientId: config.clientId, clientSecret: config.clientSecret }
  const manager = await openManager(config.base, store, client)
  if (config.importRefreshToken) {
    // The memory store lives in this process only, so the connection is created here.
    await manager.importRefreshToken({
      id: config.connectionId,
      refreshToken: config.importRefreshToken,
      dc: 'us',
    })
  }
  const warm = await manager.getToken(config.connectionId)
  send({ ready: true, expiresAt: warm.expiresAt })
  await waitForStart()
  const expiredByClientClock = warm.expiresAt <= Date.now()
  const started = performance.now()
  const calls = Array.from({ length: config.n }, () =>
    config.call === 'users'
      ? currentUser(manager, warm.apiDomain)
      : manager.getAccessToken(config.connectionId),
  )
  const settled = await Promise.allSettled(calls)
  const elapsedMs = performance.now() - started
  const { ok, errors, tokens } = tally(settled)
  await manager.close()
  await store.close()
  send({
    done: true,
    ok,
    failed: config.n - ok,
    errors,
    tokens: [...tokens],
    elapsedMs,
    expiredByClientClock,
  })
}

runChild(main)
