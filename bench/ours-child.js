// One process of our burst: opens the shared store, warms its in-process cache with one call
// (the token is still valid, so no refresh), says ready, then at `startAt` fires `n` concurrent
// getAccessToken calls. Same line protocol as bench/peers/zoho-sdk-child.mjs.
import { createHash } from 'node:crypto'
import { openManager, openStore } from './stores.js'

// Tokens never leave a child; a short hash lets the parent count distinct tokens across processes.
const fingerprint = (token) => createHash('sha256').update(String(token)).digest('hex').slice(0, 16)

const config = JSON.parse(process.argv[2] ?? '{}')

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

function describeError(error) {
  if (error && typeof error === 'object')
    return `${error.code ?? error.name}: ${error.message}`.slice(0, 160)
  return String(error).slice(0, 160)
}

function waitForStart() {
  return new Promise((resolve) => {
    let buffer = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk) => {
      buffer += chunk
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        process.stdin.pause()
        resolve(JSON.parse(buffer.slice(0, newline)).startAt)
      }
    })
  })
}

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
  const startAt = await waitForStart()
  const delay = startAt - Date.now()
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
  const expiredByClientClock = warm.expiresAt <= Date.now()
  const started = performance.now()
  const calls = Array.from({ length: config.n }, () =>
    config.call === 'users'
      ? currentUser(manager, warm.apiDomain)
      : manager.getAccessToken(config.connectionId),
  )
  const settled = await Promise.allSettled(calls)
  const elapsedMs = performance.now() - started
  const errors = {}
  const tokens = new Set()
  let ok = 0
  for (const result of settled) {
    if (result.status === 'fulfilled') {
      ok += 1
      tokens.add(fingerprint(result.value))
    } else {
      const key = describeError(result.reason)
      errors[key] = (errors[key] ?? 0) + 1
    }
  }
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

main().then(
  () => process.exit(0),
  (error) => {
    send({ done: true, fatal: describeError(error) })
    process.exit(1)
  },
)
