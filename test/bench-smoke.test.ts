import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const built = existsSync(join(root, 'dist', 'emulator', 'index.js'))

interface BurstRow {
  key: string
  refreshes: number
  throttled: number
  ok: number
  failed: number
  distinctTokens: number
  hot?: { getAccessToken: number; mapGet: number; p50us: number; sameToken: boolean }
}

// Needs dist/ (`npm test` builds first). The Zoho SDK rows are left out: they need bench/peers
// installed from npm, which a test must not do.
describe.skipIf(!built)('bench/run.js (small N)', () => {
  it('bench/run.js refreshes once per burst in one process and across two SQLite processes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-bench-smoke-'))
    const json = join(dir, 'results.json')
    const report = join(dir, 'benchmarks.md')
    const run = spawnSync(process.execPath, ['bench/run.js'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 50_000,
      env: {
        ...process.env,
        BENCH_ONLY: 'ours-memory,ours-sqlite,hot',
        BENCH_BURST: '40',
        BENCH_PROCESSES: '2',
        BENCH_PER_PROCESS: '20',
        BENCH_TTL: '3',
        BENCH_HOT_MS: '50',
        BENCH_OUT: report,
        BENCH_JSON: json,
      },
    })
    expect(run.status, run.stderr).toBe(0)
    const rows = JSON.parse(readFileSync(json, 'utf8')) as BurstRow[]
    const text = readFileSync(report, 'utf8')
    rmSync(dir, { recursive: true, force: true })
    const memory = rows.find((row) => row.key === 'ours-memory')
    const sqlite = rows.find((row) => row.key === 'ours-sqlite')
    expect(memory).toMatchObject({
      refreshes: 1,
      throttled: 0,
      ok: 40,
      failed: 0,
      distinctTokens: 1,
    })
    expect(sqlite).toMatchObject({
      refreshes: 1,
      throttled: 0,
      ok: 40,
      failed: 0,
      distinctTokens: 1,
    })
    const hot = rows.find((row) => row.key === 'hot')?.hot
    expect(hot?.sameToken).toBe(true)
    expect(hot?.getAccessToken).toBeGreaterThan(0)
    expect(text).toContain('| ours, 1 process × 40, memory store | **1** | 0 |')
  }, 60_000)

  it('bench/cli.js: the CLI cold start rows and the 401 burst of 8 zoho-auth api processes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-bench-cli-'))
    const json = join(dir, 'results.json')
    const report = join(dir, 'benchmarks.md')
    const run = spawnSync(process.execPath, ['bench/run.js'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 50_000,
      env: {
        ...process.env,
        BENCH_ONLY: 'cli-cold,cli-401',
        BENCH_CLI_RUNS: '2',
        BENCH_OUT: report,
        BENCH_JSON: json,
      },
    })
    expect(run.status, run.stderr).toBe(0)
    const rows = JSON.parse(readFileSync(json, 'utf8')) as Array<Record<string, unknown>>
    const text = readFileSync(report, 'utf8')
    rmSync(dir, { recursive: true, force: true })
    const cold = rows.find((row) => row.key === 'cli-cold') as {
      cold: Record<string, { runs: number; p50Ms: number }>
      refreshes: number
      distinctTokens: number
    }
    expect(Object.keys(cold.cold)).toEqual(['node', 'version', 'token'])
    for (const summary of Object.values(cold.cold)) {
      expect(summary.runs).toBe(2)
      expect(summary.p50Ms).toBeGreaterThan(0)
    }
    // Cached: the token comes from the store, no token request, one token throughout.
    expect([cold.refreshes, cold.distinctTokens]).toEqual([0, 1])
    expect(rows.find((row) => row.key === 'cli-401')).toMatchObject({
      refreshes: 1,
      throttled: 0,
      ok: 8,
      failed: 0,
    })
    expect(text).toContain('## The CLI: cold start and the 401 burst')
    expect(text).toContain('| `zoho-auth token` (cached: the token is in the store) |')
  }, 60_000)
})
