/**
 * The real executable: `zoho-auth serve` in sandbox mode as `npm start` runs it, stopped by
 * SIGTERM (exit 0, after the manager and the store closed), and a port in use (exit 1). Needs
 * dist/ (npm test builds first). Every wait is for output, bounded.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { spawnBin } from './support/bin.js'
import { freePort } from './support/login.js'
import { parseBanner } from './support/serve.js'
import { within } from './support/within.js'

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-serve-spawn-')),
    ...extra,
  }
}

describe('zoho-auth serve (the executable)', () => {
  it('npm start builds first (prestart), then runs zoho-auth serve in place of its shell', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(pkg.scripts.prestart).toBe('npm run build')
    expect(pkg.scripts.start).toBe('exec node bin/zoho-auth.js serve')
  })

  it('npm start -- --port N serves on N, and a SIGTERM to npm stops the broker too (no orphan)', async () => {
    const port = await freePort()
    // --ignore-scripts skips prestart's build (npm test has built dist/) but runs start itself.
    const npm = spawn('npm', ['start', '--ignore-scripts', '--', '--port', String(port)], {
      cwd: new URL('..', import.meta.url),
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    const started = new Promise<void>((resolve, reject) => {
      npm.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('stops.\n')) resolve()
      })
      npm.on('exit', () => reject(new Error(`npm start exited early:\n${stdout}`)))
    })
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)))
    try {
      await within(30_000, started)
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
      expect(health.status).toBe(200)
    } finally {
      npm.kill('SIGTERM')
    }
    await within(15_000, exited)
    // The broker itself stopped: its port no longer answers.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
    expect(stdout).toContain('zoho-auth broker stopped.')
  })

  it('serve in sandbox mode on PORT answers healthz, the UI URL and the admin token, and SIGTERM exits 0', async () => {
    const port = await freePort()
    const run = spawnBin(['serve'], env({ PORT: String(port) }))
    try {
      await within(20_000, run.stdoutIncludes('stops.\n'))
      const banner = parseBanner(run.stdout)
      expect(banner?.listenUrl).toBe(`http://127.0.0.1:${port}`)
      expect(banner?.uiUrl).toBe(`http://localhost:${port}/`)
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
      expect(await health.json()).toEqual({ status: 'ok' })
      const root = await fetch(`http://127.0.0.1:${port}/`)
      expect(root.status).toBeLessThan(500)
      await root.body?.cancel()
      const anonymous = await fetch(`http://127.0.0.1:${port}/api/v1/connections`)
      expect(anonymous.status).toBe(401)
      await anonymous.body?.cancel()
      const admitted = await fetch(`http://127.0.0.1:${port}/api/v1/connections`, {
        headers: { authorization: `Bearer ${banner?.adminToken}` },
      })
      expect(admitted.status).not.toBe(401)
      await admitted.body?.cancel()
    } finally {
      run.child.kill('SIGTERM')
    }
    const exit = await within(10_000, run.exited)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(run.stdout).toMatch(/zoho-auth broker stopped\.\n$/)
    // stderr is the JSON request log, one line per request, plus the one line about stopping.
    const lines = run.stderr.split('\n').filter((line) => line !== '')
    const [stopping, ...others] = [
      ...lines.filter((line) => !line.startsWith('{')),
      ...lines.filter((line) => line.startsWith('{')),
    ]
    expect(stopping).toBe('zoho-auth: stopping: finishing requests in flight')
    const requests = others.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(requests.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      'GET /healthz 200',
      'GET / 302',
      'GET /sign-in 200',
      'GET /api/v1/connections 401',
      'GET /api/v1/connections 200',
    ])
    expect(run.stderr).not.toContain(String(parseBanner(run.stdout)?.adminToken))
  })

  it('serve --port on a port in use exits 1 with the message and what to do', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      const run = spawnBin(['serve', '--port', String(port)], env())
      expect(await within(15_000, run.exited)).toEqual({ code: 1, signal: null })
      expect(run.stdout).toBe('')
      expect(run.stderr).toBe(
        `zoho-auth: Port ${port} on 127.0.0.1 is already in use (another zoho-auth serve, or another program)\n  → Stop what listens there (\`lsof -i :${port}\` shows it), or pick another port with --port N or PORT=N.\n`,
      )
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
