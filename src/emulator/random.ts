/**
 * Seeded randomness for every token, code and id the emulator hands out, so a test that passes a
 * seed sees the same values on every run.
 */
import { randomInt } from 'node:crypto'

export interface Random {
  /** A float in [0, 1). */
  next(): number
  hex(length: number): string
  digits(length: number): string
  upperAlnum(length: number): string
}

const HEX = '0123456789abcdef'
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** mulberry32: tiny, fast and good enough for ids that only need to be unique and repeatable. */
export function createRandom(seed: number = randomInt(2 ** 31)): Random {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = (alphabet: string, length: number): string => {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)]
    return out
  }
  return {
    next,
    hex: (length) => pick(HEX, length),
    digits: (length) => pick('123456789', 1) + pick('0123456789', length - 1),
    upperAlnum: (length) => pick(UPPER_ALNUM, length),
  }
}

/** Zoho's formats (docs/zoho-behaviour.md §3): `1000.` + 30 upper alnum; device clients `1004.`. */
export function newClientId(random: Random, device: boolean): string {
  return `${device ? '1004' : '1000'}.${random.upperAlnum(30)}`
}

/** Client secrets are 42 hex characters. */
export function newClientSecret(random: Random): string {
  return random.hex(42)
}

/** Tokens and codes: `1000.` + 32 hex + `.` + 32 hex. */
export function newToken(random: Random): string {
  return `1000.${random.hex(32)}.${random.hex(32)}`
}

/** ZUIDs are numeric strings (real ones are 8–10 digits). */
export function newZuid(random: Random): string {
  return random.digits(9)
}

/** CRM record, user and org ids are 19-digit numeric strings. */
export function newRecordId(random: Random): string {
  return random.digits(19)
}

/** A device flow user code, typed by a person: 8 unambiguous upper-case letters and digits. */
export function newUserCode(random: Random): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  let code = ''
  for (let i = 0; i < 8; i++) code += alphabet[Math.floor(random.next() * alphabet.length)]
  return code
}
