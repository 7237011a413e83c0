/**
 * The token endpoint's remedies (src/protocol/errors.ts) speak to any program: "check the client
 * id", "the data centre that issued it". At a shell the fix is a setting or a command; this says
 * which. A refresh's `invalid_code` never gets here (the manager turns it into needs_reauth, and
 * `import` into a refresh-token check), so `invalid_code` here is a code that `exchange` or
 * `login` could not use.
 */
import { ZohoOAuthError, type ZohoAuthError } from '../protocol/errors.js'

const CLI_REMEDIES: Record<string, string> = {
  invalid_code:
    'Mint a new code and run `zoho-auth exchange --code CODE` at once: a Self Client code lives 3–10 minutes, works once, and only in the data centre it was generated in (pass `--dc eu`, `--dc in`, … when that is not us). After `zoho-auth login`, run `zoho-auth login` again.',
  invalid_client:
    'Check ZOHO_CLIENT_ID (`zoho-auth doctor` checks it) and that `--dc` / ZOHO_DC names the data centre the client is registered in; a client used in another data centre needs it enabled in the API console (api-console.zoho.com → the client → Settings → multi-DC).',
  invalid_client_secret:
    'Copy the Client Secret again from api-console.zoho.com into ZOHO_CLIENT_SECRET (a multi-DC client may have one per data centre: ZOHO_CLIENT_SECRET_EU, …), then run the command again; `zoho-auth doctor` checks the credentials.',
  invalid_redirect_uri:
    'Register exactly the redirect URI `zoho-auth login` uses (ZOHO_REDIRECT_URI, default http://localhost:3001/oauth/callback) for the client in the API console, or set ZOHO_REDIRECT_URI to the one registered; a Self Client has none: use `zoho-auth exchange --code CODE`.',
}

/** The CLI's remedy for a token endpoint error, or undefined to keep the library's. */
export function oauthRemedyInCli(error: ZohoAuthError): string | undefined {
  return error instanceof ZohoOAuthError ? CLI_REMEDIES[error.error] : undefined
}
