/**
 * `zoho-auth completion`: each script parses in its shell and completes command names,
 * sub-commands, flags and flag values, asked the way the shell asks (COMP_WORDS for bash,
 * `complete -C` for fish, the completion function with compadd stubbed for zsh). zsh and fish
 * are skipped where they are not installed; bash always runs.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import { commands } from '../src/cli/commands/index.js'

const has = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-completion-'))
const scripts: Record<string, string> = {}

beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const run = await runCommand(['completion', shell], { HOME: dir })
    expect(run).toMatchObject({ code: 0, stderr: '' })
    scripts[shell] = join(dir, `zoho-auth.${shell}`)
    writeFileSync(scripts[shell], run.stdout)
  }
})

function shell(name: string, script: string): string {
  const run = spawnSync(name, ['-c', script], { encoding: 'utf8', timeout: 15_000 })
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  return run.stdout
}

describe('zoho-auth completion bash', () => {
  it('completion bash parses (bash -n)', () => {
    const run = spawnSync('bash', ['-n', scripts.bash ?? ''], { encoding: 'utf8' })
    expect([run.status, run.stderr]).toEqual([0, ''])
  })

  it('completion bash completes names, sub-commands, flags and values like bash asks', () => {
    const ask = (...words: string[]): string =>
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _zoho_auth; echo "\${COMPREPLY[*]}"`
    const cases: Array<[string[], string]> = [
      [['zoho-auth', 'to'], 'token'],
      [['zoho-auth', 'c'], 'connections crm completion'],
      [['zoho-auth', 'crm', ''], 'leads fields user org'],
      [['zoho-auth', 'crm', 'fields', 'e'], 'ensure'],
      [['zoho-auth', 'crm', 'fields', 'audit', '--re'], '--require'],
      [['zoho-auth', 'api', '-X', 'P'], 'POST PUT PATCH'],
      [['zoho-auth', 'token', '--dc', 'e'], 'eu'],
      // A flag's value is not a sub-command: "leads" here is a connection's name.
      [['zoho-auth', 'crm', '--connection', 'leads', 'fields', ''], 'audit ensure'],
      // After --, exec's program completes as bash would complete it.
      [['zoho-auth', 'exec', '--', 'to'], ''],
      [['zoho-auth', 'completion', ''], 'bash zsh fish'],
    ]
    const script = [`source ${scripts.bash}`, ...cases.map(([words]) => ask(...words))].join('\n')
    const lines = shell('bash', script).split('\n')
    cases.forEach(([words, expected], i) =>
      expect({ words, got: lines[i] }).toEqual({ words, got: expected }),
    )
  })
})

describe.skipIf(!has('zsh'))('zoho-auth completion zsh', () => {
  it('completion zsh parses (zsh -n) and offers what the words typed so far lead to', () => {
    const parsed = spawnSync('zsh', ['-n', scripts.zsh ?? ''], { encoding: 'utf8' })
    expect([parsed.status, parsed.stderr]).toEqual([0, ''])
    const out = shell(
      'zsh',
      `compdef() { : }
compadd() { [[ $1 == -- ]] && shift; print -r -- "$*" }
_describe() { print -r -- "\${(@)\${(P)2}%%:*}" }
_files() { print files }
_normal() { print -r -- "normal $words" }
source ${scripts.zsh}
ask() { words=("$@"); CURRENT=$#; _zoho_auth }
ask zoho-auth ''
ask zoho-auth crm ''
ask zoho-auth crm fields ensure --f
ask zoho-auth --dc ''
ask zoho-auth exec -- curl ''`,
    )
    expect(out.split('\n')).toEqual([
      commands.map((c) => c.name).join(' '),
      'leads fields user org',
      expect.stringContaining('--field'),
      'us eu in au jp ca sa uk cn',
      'normal curl ',
      '',
    ])
  })
})

describe.skipIf(!has('fish'))('zoho-auth completion fish', () => {
  it('completion fish parses (fish -n) and answers complete -C with summaries', () => {
    const parsed = spawnSync('fish', ['-n', scripts.fish ?? ''], { encoding: 'utf8' })
    expect([parsed.status, parsed.stderr]).toEqual([0, ''])
    const ask = (line: string): string[] =>
      shell('fish', `source ${scripts.fish}; complete -C '${line}'`).trim().split('\n')
    expect(ask('zoho-auth to')).toEqual([
      'token\tprint a valid access token (refreshing it once if needed)',
    ])
    expect(ask('zoho-auth crm ').sort()).toEqual(['fields', 'leads', 'org', 'user'])
    expect(ask('zoho-auth invoice create --org')).toEqual(['--organization'])
    expect(ask('zoho-auth --dc e')).toEqual(['eu'])
  })
})

describe('zoho-auth completion misuse', () => {
  it('completion without a shell, or an unknown one, is exit 2', async () => {
    expect((await runCommand(['completion'], { HOME: dir })).code).toBe(2)
    const unknown = await runCommand(['completion', 'powershell'], { HOME: dir })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no completion for "powershell" (bash, zsh or fish)')
  })
})
