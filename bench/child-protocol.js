// The child side of the benchmark's line protocol, shared by our child (bench/ours-child.js) and
// the Zoho SDK's (bench/peers/zoho-sdk-child.mjs), so both are timed and counted the same way:
//   argv[2] = JSON config; child → parent: {"ready":true,…}; parent → child (stdin):
//   {"startAt":ms}; child → parent: {"done":true,…results} — one JSON object per line.
import { createHash } from 'node:crypto'

export const config = JSON.parse(process.argv[2] ?? '{}')

export function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

// Tokens never leave a child; a short hash lets the parent count distinct tokens across processes.
export function fingerprint(token) {
  return createHash('sha256').update(String(token)).digest('hex').slice(0, 16)
}

export function describeError(error) {
  // The SDK's SDKException carries Zoho's error code in `message` (e.g. "Access Denied").
  if (error && typeof error === 'object') {
    const code = error.code ?? error.name ?? 'Error'
    const message = error.message ?? (error.cause ? String(error.cause) : '')
    return `${code}: ${message}`.slice(0, 160)
  }
  return String(error).slice(0, 160)
}

/** Waits for the parent's start line, then until its `startAt`, so every process fires at once. */
export async function waitForStart() {
  const startAt = await new Promise((resolve) => {
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
  const delay = startAt - Date.now()
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
}

/** Counts fulfilled calls, distinct token fingerprints and errors by description. */
export function tally(settled) {
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
  return { ok, errors, tokens }
}

/** Runs the child's main and reports a crash as a result line, so the parent never hangs. */
export function runChild(main) {
  main().then(
    () => process.exit(0),
    (error) => {
      send({ done: true, fatal: describeError(error) })
      process.exit(1)
    },
  )
}
