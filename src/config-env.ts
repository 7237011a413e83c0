/**
 * The environment with `.env` beneath it, and which names came from the file: a setting from a
 * stray `.env` must be reported as such (emulator mode is the case that matters).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { ConfigError } from './config-error.js'

export interface EnvironmentSources {
  env: Record<string, string | undefined>
  /** The `.env` looked for, whether or not it exists. */
  dotenvPath: string
  /** Names whose value is the file's (the real environment did not set them). */
  fromDotenv: Set<string>
}

export function readEnvironmentSources(
  env: Record<string, string | undefined>,
  cwd: string,
): EnvironmentSources {
  const dotenvPath = join(cwd, '.env')
  if (!existsSync(dotenvPath)) return { env, dotenvPath, fromDotenv: new Set() }
  let fromFile: Record<string, string>
  try {
    // Editors on Windows save a BOM, which would otherwise become part of the first name.
    const text = readFileSync(dotenvPath, 'utf8').replace(/^\ufeff/, '')
    fromFile = parseEnv(text) as Record<string, string>
  } catch (error) {
    throw new ConfigError(
      `Could not read ${dotenvPath}: ${error instanceof Error ? error.message : String(error)}`,
      'Fix or remove the .env file (lines of NAME=value).',
    )
  }
  const real = definedOnly(env)
  const fromDotenv = new Set(Object.keys(fromFile).filter((name) => !(name in real)))
  return { env: { ...fromFile, ...real }, dotenvPath, fromDotenv }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value
  return out
}
