/**
 * docs/testing.md's example is the file in examples/ (type-checked with the repo), and it runs:
 * compiled, pointed at the built package, under Node's own test runner as a user runs it, with
 * an emulator of its own on a socket.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const EXAMPLE = join(ROOT, 'examples/emulator-in-tests.ts')
const DIST = join(ROOT, 'dist')

/** The example as plain JavaScript, importing the built package by path. */
function compiledExample(): string {
  if (!existsSync(join(DIST, 'index.js'))) {
    throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json`')
  }
  const { outputText } = ts.transpileModule(readFileSync(EXAMPLE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  })
  const file = join(mkdtempSync(join(tmpdir(), 'zoho-auth-example-')), 'emulator-in-tests.mjs')
  writeFileSync(
    file,
    outputText
      .replace(`from 'zoho-auth'`, `from '${pathToFileURL(join(DIST, 'index.js')).href}'`)
      .replace(
        `from 'zoho-auth/emulator'`,
        `from '${pathToFileURL(join(DIST, 'emulator/index.js')).href}'`,
      ),
  )
  return file
}

function runTests(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', file], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('examples/emulator-in-tests.ts', () => {
  it('docs/testing.md shows the example file exactly', () => {
    const page = readFileSync(join(ROOT, 'docs/testing.md'), 'utf8')
    expect(page).toContain(`\`\`\`ts\n${readFileSync(EXAMPLE, 'utf8')}\`\`\``)
  })

  it('emulator-in-tests: its three tests pass under node --test against their own emulator', async () => {
    const run = await runTests(compiledExample())
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('ok 1 - creates a lead from the form, and CRM has it')
    expect(run.stdout).toContain(
      'ok 2 - survives a token Zoho stopped honouring early: one refresh, then the lead',
    )
    expect(run.stdout).toContain('ok 3 - reports a CRM outage instead of filing the lead twice')
    expect(run.stdout).toContain('# pass 3\n')
    expect(run.stdout).toContain('# fail 0\n')
    expect(run.code).toBe(0)
  }, 60_000)
})
