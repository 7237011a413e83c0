#!/usr/bin/env node
// The executable: runs the compiled CLI from dist/ (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs'

const main = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(main)) {
  process.stderr.write(
    'zoho-auth: not built yet; run `npm install` (or `npm run build`) in the package folder.\n',
  )
  process.exit(1)
}
const { runCli } = await import(main.href)
const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => controller.abort())
}
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
})
process.exitCode = code
