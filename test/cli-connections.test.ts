/**
 * `connections show | use | remove` and `revoke`, in-process against the emulator on a socket and
 * a real SQLite file, and each once through the real binary.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { spawnBin } from './support/bin.js'
import { runCommand as cli, withoutEmulatorNotice } from './support/cli.js'
import { useSelfClientCli } from './support/self-client-cli.js'

const KEY = Buffer.alloc(32, 9).toString('base64')
const fixture = useSelfClientCli('conn')
const environment = (): Record<string, string> => fixture.environment(KEY)
const connect = (env: Record<string, string>, name: string): Promise<void> =>
  fixture.connect(env, { name })

async function liveRefreshTokens(): Promise<number> {
  const census = await fixture.zoho.control(`tokens?client_id=${fixture.client.client_id}`)
  return (census.refresh_tokens as unknown[]).length
}

async function ids(env: Record<string, string>): Promise<string[]> {
  const listed = await cli(['connections', 'list', '--json'], env)
  return (JSON.parse(listed.stdout) as Array<{ id: string }>).map((c) => c.id)
}

describe('zoho-auth connections show / use / remove', () => {
  it('show prints every non-secret field, as text and --json, and never a token', async () => {
    const env = environment()
    await connect(env, 'sales')
    const text = await cli(['connections', 'show', 'sales'], env)
    expect(text.code).toBe(0)
    for (const field of ['Name:', 'Status:', 'Data centre:', 'User:', 'Scopes:', 'API domain:'])
      expect(text.stdout).toContain(field)
    expect(text.stdout).toContain('ada@example.com')
    expect(text.stdout).toContain('ZohoCRM.users.READ')
    expect(text.stdout).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/)
    const json = JSON.parse((await cli(['connections', 'show', 'sales', '--json'], env)).stdout)
    expect(json).toMatchObject({ id: 'sales', dc: 'us', status: 'active', default: false })
    expect(Object.keys(json)).not.toContain('refreshToken')
    expect(Object.keys(json)).not.toContain('accessToken')
  })

  it('show of an unknown name exits 1 with the command that lists the names', async () => {
    const run = await cli(['connections', 'show', 'nope'], environment())
    expect(run.code).toBe(1)
    expect(withoutEmulatorNotice(run.stderr)).toContain('→ Run `zoho-auth connections list`')
  })

  it('use makes a connection the default for commands without --connection', async () => {
    const env = environment()
    await connect(env, 'sales')
    await connect(env, 'support')
    const ambiguous = await cli(['token'], env)
    expect(ambiguous.code).toBe(1)
    expect(ambiguous.stderr).toContain(
      '→ Pick one for every command: zoho-auth connections use NAME',
    )
    expect((await cli(['connections', 'use', 'support'], env)).code).toBe(0)
    const token = await cli(['token'], env)
    expect(token.code).toBe(0)
    const named = await cli(['token', '--connection', 'support'], env)
    expect(named.stdout).toBe(token.stdout)
    const show = JSON.parse((await cli(['connections', 'show', 'support', '--json'], env)).stdout)
    expect(show.default).toBe(true)
    const unknown = await cli(['connections', 'use', 'nope'], env)
    expect(unknown.code).toBe(1)
  })

  it('remove revokes at Zoho, forgets the connection and clears the default it was', async () => {
    const env = environment()
    await connect(env, 'sales')
    await cli(['connections', 'use', 'sales'], env)
    expect(await liveRefreshTokens()).toBe(1)
    const run = await cli(['connections', 'remove', 'sales'], env)
    expect(run).toMatchObject({ code: 0, stdout: 'Connection "sales" removed.\n' })
    expect(await liveRefreshTokens()).toBe(0)
    expect(await ids(env)).toEqual([])
    // The default it was is gone with it: a new connection is found as the only one.
    await connect(env, 'other')
    expect((await cli(['token'], env)).code).toBe(0)
  })

  it('remove keeps the connection when Zoho cannot be reached, and --force forgets it saying the grant lives', async () => {
    const env = environment()
    await connect(env, 'sales')
    await fixture.zoho.control('faults', { path: '/oauth/v2/token/revoke', drop: true })
    const kept = await cli(['connections', 'remove', 'sales'], env)
    expect(kept.code).toBe(1)
    expect(kept.stderr).toContain('Zoho did not confirm revoking "sales", so it is kept')
    expect(kept.stderr).toContain('→ Run `zoho-auth connections remove sales` again')
    expect(await ids(env)).toEqual(['sales'])
    expect((await cli(['token', '--connection', 'sales'], env)).code).toBe(0)

    const forced = await cli(['connections', 'remove', 'sales', '--force'], env)
    expect(forced.code).toBe(0)
    expect(forced.stderr).toContain('its grant is still live at Zoho')
    expect(forced.stderr).toContain('Connected Apps')
    expect(await ids(env)).toEqual([])
    expect(await liveRefreshTokens()).toBe(1)
  })

  it('rename keeps the tokens readable, moves the default, and refuses a taken name', async () => {
    const env = environment()
    await connect(env, 'sales')
    await connect(env, 'support')
    await cli(['connections', 'use', 'sales'], env)
    const before = await cli(['token', '--connection', 'sales'], env)
    const renamed = await cli(['connections', 'rename', 'sales', 'emea'], env)
    expect(renamed).toMatchObject({ code: 0, stdout: 'Connection "sales" is now "emea".\n' })
    expect(await ids(env)).toEqual(['emea', 'support'])
    // The default followed it, and the cached token still decrypts under the new name.
    expect(await cli(['token'], env)).toMatchObject({ code: 0, stdout: before.stdout })
    const taken = await cli(['connections', 'rename', 'emea', 'support'], env)
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('A connection named "support" already exists')
    expect(taken.stderr).toContain('→ Choose another name, or forget the other one first')
    expect(await ids(env)).toEqual(['emea', 'support'])
    const missing = await cli(['connections', 'rename', 'nope', 'x'], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('→ Run `zoho-auth connections list`')
  })

  it('misuse exits 2: a missing name, an extra name, an unknown sub-command', async () => {
    const env = environment()
    expect((await cli(['connections', 'show'], env)).code).toBe(2)
    expect((await cli(['connections', 'use', 'a', 'b'], env)).code).toBe(2)
    expect((await cli(['connections', 'rename', 'a'], env)).code).toBe(2)
    expect((await cli(['connections', 'list', 'x'], env)).code).toBe(2)
    expect((await cli(['connections', 'frob'], env)).code).toBe(2)
    expect((await cli(['connections', '--help'], {})).stdout).toContain(
      'zoho-auth connections use NAME',
    )
  })
})

describe('zoho-auth connections list with a row it cannot read', () => {
  function tamper(env: Record<string, string>, id: string): void {
    const db = new Database(env.ZOHO_AUTH_DB!)
    const enc = db.prepare('SELECT refresh_token_enc FROM connections WHERE id = ?').pluck().get(id)
    const flipped = `${String(enc).slice(0, -2)}${String(enc).endsWith('AA') ? 'BB' : 'AA'}`
    db.prepare('UPDATE connections SET refresh_token_enc = ? WHERE id = ?').run(flipped, id)
    db.close()
  }

  it('list shows the readable rows and marks a corrupted one unreadable, with its remedy', async () => {
    const env = environment()
    await connect(env, 'sales')
    await connect(env, 'support')
    tamper(env, 'sales')
    const run = await cli(['connections', 'list'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^support +us +ada@example\.com +active /m)
    expect(run.stdout).toContain(
      'Unreadable connections:\n  sales: The stored secrets of "sales" failed authentication',
    )
    expect(run.stdout).toContain('    → Restore the row from a backup, or delete it (`sqlite3')
    const json = JSON.parse((await cli(['connections', 'list', '--json'], env)).stdout)
    expect(json.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['sales', 'unreadable'],
      ['support', 'active'],
    ])
    expect(json[0]).toMatchObject({
      id: 'sales',
      status: 'unreadable',
      error: expect.stringContaining('failed authentication'),
      remedy: expect.stringContaining('Restore the row from a backup'),
    })
  })

  it('list marks a row under a key the ring lacks unreadable, saying which key it needs', async () => {
    const env = environment()
    await connect(env, 'sales')
    const newKey = Buffer.alloc(32, 7).toString('base64')
    await connect({ ...env, ZOHO_AUTH_ENCRYPTION_KEY: `${newKey},${KEY}` }, 'support')
    const run = await cli(['connections', 'list', '--json'], env)
    expect(run.code).toBe(0)
    const [sales, support] = JSON.parse(run.stdout)
    expect(sales).toMatchObject({ id: 'sales', status: 'active' })
    expect(support).toMatchObject({
      id: 'support',
      status: 'unreadable',
      error: expect.stringContaining('which is not in ZOHO_AUTH_ENCRYPTION_KEY'),
    })
  })

  it('list with only unreadable rows does not claim there are no connections', async () => {
    const env = environment()
    await connect(env, 'sales')
    tamper(env, 'sales')
    const run = await cli(['connections', 'list'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('No connections yet')
    expect(run.stdout).toContain('Unreadable connections:\n  sales: ')
  })
})

describe('zoho-auth revoke', () => {
  it('revokes at Zoho and keeps the connection as revoked; token then says how to reconnect', async () => {
    const env = environment()
    await connect(env, 'default')
    const run = await cli(['revoke'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('zoho-auth connections remove default')
    expect(await liveRefreshTokens()).toBe(0)
    const shown = JSON.parse((await cli(['connections', 'show', 'default', '--json'], env)).stdout)
    expect(shown.status).toBe('revoked')
    const token = await cli(['token'], env)
    expect(token.code).toBe(1)
    expect(token.stderr).toContain('→ Mint a new code and run `zoho-auth exchange')
    expect((await cli(['revoke'], env)).code).toBe(0)
  })

  it('an unknown connection exits 1 with the remedy', async () => {
    const run = await cli(['revoke', '--connection', 'nope'], environment())
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('→ Run `zoho-auth connections list`')
  })
})

describe('the real binary', () => {
  it('connections use, show, remove and revoke run as a process against the emulator', async () => {
    const env = environment()
    await connect(env, 'sales')
    await connect(env, 'support')
    const bin = async (args: string[]) => {
      const run = spawnBin(args, env)
      const { code } = await run.exited
      return { code, stdout: run.stdout, stderr: run.stderr }
    }
    expect(await bin(['connections', 'use', 'sales'])).toMatchObject({ code: 0 })
    const shown = await bin(['connections', 'show', 'sales', '--json'])
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'sales', default: true })
    expect(await bin(['connections', 'rename', 'sales', 'emea'])).toMatchObject({ code: 0 })
    expect(await bin(['revoke'])).toMatchObject({ code: 0 })
    expect(JSON.parse((await bin(['connections', 'show', 'emea', '--json'])).stdout).status).toBe(
      'revoked',
    )
    expect(await bin(['connections', 'remove', 'support'])).toMatchObject({
      code: 0,
      stdout: 'Connection "support" removed.\n',
    })
    expect(await liveRefreshTokens()).toBe(0)
  })
})
