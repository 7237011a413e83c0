/**
 * `fetch` with a Zoho access token, shared by both modes: `tokenFor` gives the token and the URL
 * to send it to; a 401 asks it again with the refused token (so every caller that saw that token
 * shares one refresh) and the request is retried once.
 */
export async function zohoFetch(
  init: RequestInit,
  tokenFor: (rejected?: string) => Promise<[token: string, url: string]>,
): Promise<Response> {
  const send = async (rejected?: string): Promise<[string, Response]> => {
    const [token, url] = await tokenFor(rejected)
    const headers = new Headers(init.headers)
    headers.set('Authorization', `Zoho-oauthtoken ${token}`)
    return [token, await fetch(url, { ...init, headers })]
  }
  const [token, first] = await send()
  return first.status === 401 ? (await send(token))[1] : first
}

/** Sends the page to `url`; the promise never settles, since the page is leaving (both modes). */
export function leaveFor(url: string): Promise<never> {
  location.assign(url)
  return new Promise(() => {})
}
