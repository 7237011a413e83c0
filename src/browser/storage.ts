/**
 * What the module keeps in Web Storage: the accounts (tokens included) in `sessionStorage` by
 * default or `localStorage` when chosen, and the pending sign-ins (their single-use `state`)
 * always in `sessionStorage`, so a state is only good in the tab that made it.
 */

/** One signed-in account as stored: the token, its DC and API domain from the trusted table. */
export interface StoredAccount {
  zuid: string
  email: string
  name: string
  dc: string
  apiDomain: string
  accessToken: string
  /** Epoch ms. */
  expiresAt: number
  scopes: string[]
  grantedForSession: boolean
  /** Zoho's session for this user ended in this browser (another user signed in, or a refresh said so). */
  sessionEnded: boolean
}

interface Saved {
  active?: string | undefined
  accounts: Record<string, StoredAccount>
}

/** A sign-in or refresh this tab sent to Zoho, by its `state`. */
export interface Pending {
  /** Path, query and fragment to return to (same origin only). */
  returnTo: string
  /** The account a refresh is for; a sign-in has none. */
  zuid?: string | undefined
  /** Epoch ms, for the 10-minute life of a state. */
  at: number
}

const PENDING_LIFE_MS = 10 * 60_000

/** The accounts of one client, in one Storage. */
export function accountStore(storage: Storage, clientId: string) {
  const key = `zoho-auth:${clientId}:accounts`
  const read = (): Saved => {
    try {
      // An absent key reads as null, which JSON.parse passes through.
      const saved = JSON.parse(storage.getItem(key) as string) as Saved | null
      if (saved && typeof saved.accounts === 'object') return saved
    } catch {
      // Unreadable (edited by hand, another version): start over rather than fail every call.
    }
    return { accounts: {} }
  }
  const edit = (change: (saved: Saved) => void): void => {
    const saved = read()
    change(saved)
    storage.setItem(key, JSON.stringify(saved))
  }
  return {
    all: (): StoredAccount[] => Object.values(read().accounts),
    get: (zuid: string | undefined): StoredAccount | undefined =>
      zuid ? read().accounts[zuid] : undefined,
    activeId: (): string | undefined => read().active,

    /** Saves an account; `activate` makes it the active one. */
    put: (account: StoredAccount, activate?: boolean): void =>
      edit((saved) => {
        saved.accounts[account.zuid] = account
        if (activate || !saved.active) saved.active = account.zuid
      }),
    /** Marks every other account's Zoho session as ended: Zoho has one signed-in user per browser. */
    endOtherSessions: (zuid: string): void =>
      edit((saved) => {
        for (const account of Object.values(saved.accounts)) {
          if (account.zuid !== zuid) account.sessionEnded = true
        }
      }),
    remove: (zuid: string): void =>
      edit((saved) => {
        delete saved.accounts[zuid]
        if (saved.active === zuid) saved.active = Object.keys(saved.accounts)[0]
      }),
  }
}

/** What {@link accountStore} returns. */
export type AccountStore = ReturnType<typeof accountStore>

function pendingKey(clientId: string, state: string): string {
  return `zoho-auth:${clientId}:pending:${state}`
}

/** Remembers a state this tab sends to Zoho. */
export function savePending(clientId: string, state: string, pending: Pending): void {
  sessionStorage.setItem(pendingKey(clientId, state), JSON.stringify(pending))
}

/** Takes a state back, once: a second use, or one older than 10 minutes, finds nothing. */
export function takePending(clientId: string, state: string, now: number): Pending | undefined {
  const key = pendingKey(clientId, state)
  const raw = sessionStorage.getItem(key)
  sessionStorage.removeItem(key)
  if (!raw) return undefined
  try {
    const pending = JSON.parse(raw) as Pending
    return now - pending.at < PENDING_LIFE_MS ? pending : undefined
  } catch {
    return undefined
  }
}

/** A random state: 128 bits, prefixed `p.` when the answer comes back in a popup. */
export function newState(popup: boolean): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return (popup ? 'p.' : 'r.') + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
