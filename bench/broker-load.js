// The broker benchmark's tools: a keep-alive load generator (the same one for every target),
// sequential latency samples, and the HTTP servers under test started as child processes, so
// the generator and the server do not share one event loop.
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { percentile } from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** One GET on a keep-alive agent; resolves with the status once the body is read. */
function get(agent, url, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.on('data', () => {})
      res.on('end', () => resolve(res.statusCode))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * `concurrency` loops, each sending the next GET when the last is answered, for `durationMs`
 * after a warm-up. Counts answers by status.
 */
export async function loadTest(
  url,
  { headers = {}, concurrency = 32, durationMs = 3000, warmupMs = 500 },
) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  try {
    const run = async (ms) => {
      const until = performance.now() + ms
      const statuses = {}
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < until) {
            const status = await get(agent, url, headers)
            statuses[status] = (statuses[status] ?? 0) + 1
          }
        }),
      )
      return statuses
    }
    await run(warmupMs)
    const started = performance.now()
    const statuses = await run(durationMs)
    const seconds = (performance.now() - started) / 1000
    const total = Object.values(statuses).reduce((a, b) => a + b, 0)
    return { requestsPerSecond: total / seconds, statuses, concurrency }
  } finally {
    agent.destroy()
  }
}

/** `samples` GETs one after another on one keep-alive socket; latency percentiles in ms. */
export async function latency(url, { headers = {}, samples = 2000, warmup = 200 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const times = []
    const statuses = {}
    for (let i = 0; i < warmup + samples; i++) {
      const started = performance.now()
      const status = await get(agent, url, headers)
      if (i >= warmup) {
        times.push(performance.now() - started)
        statuses[status] = (statuses[status] ?? 0) + 1
      }
    }
    times.sort((a, b) => a - b)
    return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), samples, statuses }
  } finally {
    agent.destroy()
  }
}

/**
 * Starts `node args…` and resolves with its base URL once it prints `listening on <url>`
 * (bounded by `timeoutMs`). `stop()` sends SIGTERM and waits for the exit.
 */
export function startServer(args, { env = process.env, timeoutMs = 30_000 } = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no "listening on" within ${timeoutMs} ms: ${out.slice(0, 400)}`))
    }, timeoutMs)
    child.stdout.on('data', (chunk) => {
      out += chunk
      const found = /listening on (http:\/\/\S+)/.exec(out)
      if (found) {
        clearTimeout(timer)
        resolve({
          url: found[1],
          stdout: () => out,
          stop: () => {
            child.kill('SIGTERM')
            return exited
          },
        })
      }
    })
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`exited (${code}) before listening: ${out.slice(0, 400)}`))
    })
  })
}

/** The baseline: Hono's hello world on @hono/node-server, as its README writes it. */
export const HELLO_WORLD = `
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
const app = new Hono()
app.get('/', (c) => c.text('Hello Hono!'))
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write('listening on http://127.0.0.1:' + info.port + '\\n')
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
`
