/**
 * The scripts page's example is the file in examples/ (type-checked by `npm run typecheck`), and
 * it runs: compiled, pointed at the built package, spawned as a user runs it, against the
 * emulator on a socket and a store made by `zoho-auth exchange`.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const EXAMPLE = join(ROOT, 'examples/audit-deal-fields.ts')
const DIST_INDEX = join(ROOT, 'dist/index.js')

let zoho: TestEmulator

beforeAll(async () => {
  if (!existsSync(DIST_INDEX))
    throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json`')
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

/** The example as plain JavaScript, importing the built package by path. */
function compiledExample(dir: string): string {
  const { outputText } = ts.transpileModule(readFileSync(EXAMPLE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  })
  const file = join(dir, 'audit-deal-fields.mjs')
  writeFileSync(
    file,
    outputText.replace(`from 'zoho-auth'`, `from '${pathToFileURL(DIST_INDEX).href}'`),
  )
  return file
}

function run(
  file: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('examples/audit-deal-fields.ts', () => {
  it('docs/scripts.md shows the example file exactly', () => {
    const page = readFileSync(join(ROOT, 'docs/scripts.md'), 'utf8')
    expect(page).toContain(`\`\`\`ts\n${readFileSync(EXAMPLE, 'utf8')}\`\`\``)
  })

  it('audit-deal-fields: reports the missing deal field, --fix creates it once, a second run changes nothing', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const file = compiledExample(dir)
    expect(await run(file, [], env, dir)).toMatchObject({
      code: 1,
      stdout: 'Deals is missing StrategicPartnerId\n',
    })
    expect(await run(file, ['--fix'], env, dir)).toMatchObject({
      code: 0,
      stdout: 'Deals is missing StrategicPartnerId\nStrategicPartnerId: created\n',
    })
    // Nothing on stderr but the line every emulator-mode run prints (test/cli-config.test.ts).
    expect(await run(file, ['--fix'], env, dir)).toEqual({
      code: 0,
      stdout: '',
      stderr: `zoho-auth: warning: emulator mode: the client secret and tokens go to the emulator at ${zoho.url}, not to Zoho (ZOHO_EMULATOR_URL in the environment); remove it to talk to Zoho\n`,
    })
  }, 30_000)
})
