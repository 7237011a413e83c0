#!/usr/bin/env node
// The executable: runs the compiled CLI from dist/ (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs'

// After a first Ctrl-C, how long what is in flight (a token being written, the store closing)
// may take before the process quits anyway. `exec` kills its child before this (at 2 s, see
// src/cli/exec-child.ts), and kills it at once if the process quits first.
const GRACE_MS = 3000

const main = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(main)) {
  process.stderr.write(
    'zoho-auth: not built yet; run `npm install` (or `npm run build`) in the package folder.\n',
  )
  process.exit(1)
}
const { runCli, signalExitCode } = await import(main.href)
const controller = new AbortController()
// Ctrl-C always works: the first signal stops the command and gives what it has in flight a
// bounded time to finish; a second signal, or the end of that time, quits at once.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    const code = signalExitCode(signal)
    if (controller.signal.aborted) process.exit(code)
    controller.abort(signal)
    process.exitCode = code
    setTimeout(() => {
      process.stderr.write(`zoho-auth: still not stopped after ${GRACE_MS / 1000} s; quitting\n`)
      process.exit(code)
    }, GRACE_MS).unref()
  })
}
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
})
process.exitCode = code
