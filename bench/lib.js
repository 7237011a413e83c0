// Shared helpers of the benchmark: the emulator's control API, fresh grants, the child-process
// start protocol, and small statistics. Plain ESM so `node bench/run.js` needs no build of its own.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** Calls the emulator's control API (`{base}/__emulator/…`) and returns its JSON answer. */
export async function control(base, method, path, body) {
  const response = await fetch(`${base}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${text}`)
  return text ? JSON.parse(text) : {}
}

/** Token-endpoint counters the benchmark reports, read from `GET __emulator/stats`. */
export async function tokenStats(base) {
  const stats = await control(base, 'GET', 'stats')
  return {
    refreshes: stats.token_endpoint?.refresh_token ?? 0,
    throttled: stats.token_errors?.['Access Denied'] ?? 0,
    api: stats.api ?? 0,
  }
}

let grantCounter = 0

/**
 * A new Self Client, user and refresh token, so every scenario starts with its own untouched
 * quota window. Costs one code exchange (which Zoho counts as one mint).
 */
export async function freshGrant(base, scope = 'ZohoCRM.users.READ,ZohoCRM.modules.ALL') {
  grantCounter += 1
  const client = await control(base, 'POST', 'clients', { type: 'self', dcs: ['us'] })
  const email = `bench${grantCounter}.${process.pid}@example.com`
  await control(base, 'POST', 'users', { email, dc: 'us' })
  const { code } = await control(base, 'POST', 'self-client/code', {
    client_id: client.client_id,
    scope,
    minutes: 10,
    email,
  })
  const response = await fetch(`${base}/us/accounts/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      code,
    }),
  })
  const body = await response.json()
  if (typeof body.refresh_token !== 'string') {
    throw new Error(`code exchange failed: ${JSON.stringify(body)}`)
  }
  return {
    clientId: client.client_id,
    clientSecret: client.client_secret,
    refreshToken: body.refresh_token,
  }
}

/**
 * Spawns `node script configJSON`, reads JSON lines from its stdout. Resolves `ready` with the
 * child's first message; `start(startAt)` releases it; `done` resolves with its last message.
 * A child that does not finish within `timeoutMs` is killed (every loop is bounded).
 */
export function spawnChild(script, config, { timeoutMs = 120_000, cwd } = {}) {
  const child = spawn(process.execPath, [script, JSON.stringify(config)], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 4000) stderr += chunk
  })
  const messages = []
  let onReady
  const ready = new Promise((resolve) => (onReady = resolve))
  const lines = createInterface({ input: child.stdout })
  lines.on('line', (line) => {
    let message
    try {
      message = JSON.parse(line)
    } catch {
      return // the SDK or a library printed something that is not ours
    }
    messages.push(message)
    if (message.ready || message.done) onReady(message)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const done = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      const last = messages.at(-1) ?? {}
      const failure =
        code === 0 ? undefined : `exit ${code ?? signal}: ${stderr.trim().slice(-600)}`
      if (!last.done) onReady({ fatal: failure ?? 'no result' })
      resolve(
        last.done
          ? { ...last, ...(failure && !last.fatal ? { fatal: failure } : {}) }
          : { fatal: failure ?? 'no result' },
      )
    })
  })
  return {
    ready,
    done,
    start(startAt) {
      child.stdin.end(JSON.stringify({ startAt }) + '\n')
    },
    kill() {
      child.kill('SIGKILL')
    },
  }
}

/** Starts `count` children, waits until all are ready, then releases them at one instant. */
export async function runTogether(script, configs, { timeoutMs } = {}) {
  const children = configs.map((config) => spawnChild(script, config, { timeoutMs }))
  const readies = await Promise.all(children.map((child) => child.ready))
  const fatal = readies.find((message) => message.fatal)
  if (fatal) {
    for (const child of children) child.kill()
    await Promise.all(children.map((child) => child.done))
    return { readies, results: readies, fatal: fatal.fatal }
  }
  return { readies, children }
}

export async function releaseAndCollect(children, startAt) {
  for (const child of children) child.start(startAt)
  return Promise.all(children.map((child) => child.done))
}

export function sleepUntil(epochMs) {
  const delay = epochMs - Date.now()
  return delay > 0 ? new Promise((resolve) => setTimeout(resolve, delay)) : Promise.resolve()
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

export function sum(values) {
  return values.reduce((total, value) => total + value, 0)
}

/** Merges the `{message: count}` error maps the children report. */
export function mergeErrors(results) {
  const merged = {}
  for (const result of results) {
    for (const [key, count] of Object.entries(result.errors ?? {}))
      merged[key] = (merged[key] ?? 0) + count
    if (result.fatal) merged[`fatal: ${result.fatal}`] = (merged[`fatal: ${result.fatal}`] ?? 0) + 1
  }
  return merged
}

/** Distinct access tokens handed out across all children (they report short hashes). */
export function distinctTokens(results) {
  return new Set(results.flatMap((result) => result.tokens ?? [])).size
}
