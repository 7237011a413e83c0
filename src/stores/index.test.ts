import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as stores from './index.js'

const here = dirname(fileURLToPath(import.meta.url))

/** Every module `file` loads at run time, following relative imports (type-only ones load nothing). */
function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
  const source = readFileSync(join(here, file), 'utf8')
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
    const target = match[1] as string
    if (!target.startsWith('./')) {
      seen.add(target)
      continue
    }
    const local = target.replace(/^\.\//, '').replace(/\.js$/, '.ts')
    if (seen.has(local)) continue
    seen.add(local)
    runtimeImports(local, seen)
  }
  return seen
}

describe('stores index', () => {
  it('stores index loads no database driver (they live at zoho-auth/sqlite and zoho-auth/postgres)', () => {
    const loaded = runtimeImports('index.ts')
    expect(loaded).toContain('memory.ts')
    expect([...loaded].filter((name) => /sqlite|postgres|^pg$/.test(name))).toEqual([])
  })

  it('stores index exports the memory store, the key ring and the errors', () => {
    expect(Object.keys(stores).sort()).toEqual([
      'ApiKeyExistsError',
      'ConnectionExistsError',
      'ERR_API_KEY_EXISTS',
      'ERR_CONNECTION_EXISTS',
      'ERR_ENCRYPTION_KEY',
      'ERR_STORE',
      'EncryptionKeyError',
      'KeyRing',
      'MemoryStore',
      'StoreError',
      'defaultDataDir',
      'defaultDatabasePath',
      'defaultKeyFilePath',
      'generateEncryptionKey',
      'keyIdOf',
      'loadOrCreateKeyFile',
      'resolveKeyRing',
    ])
  })
})
