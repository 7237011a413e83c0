/**
 * CRM recipes that read who and where: the current user and the org.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-users.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-org-data.html
 */
import type { ZohoApiClient } from './client.js'

/**
 * A CRM user as `GET /crm/v8/users` lists it (the fields recipes use; the rest rides along).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-users.html
 */
export interface CrmUser {
  id: string
  email: string
  full_name: string
  [field: string]: unknown
}

/**
 * The CRM organisation as `GET /crm/v8/org` answers it.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-org-data.html
 */
export interface CrmOrg {
  id: string
  company_name: string
  [field: string]: unknown
}

function firstOf<T>(data: unknown, key: string): T | null {
  const list = (data as Record<string, unknown> | undefined)?.[key]
  return Array.isArray(list) && list.length > 0 ? (list[0] as T) : null
}

/**
 * The CRM user the connection acts for; null for a token that acts for no user (client
 * credentials).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-users.html
 */
export async function currentUser(client: ZohoApiClient): Promise<CrmUser | null> {
  const { data } = await client.get('/crm/v8/users', {
    query: { type: 'CurrentUser' },
    scope: 'ZohoCRM.users.READ',
  })
  return firstOf<CrmUser>(data, 'users')
}

/**
 * The connection's CRM organisation.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-org-data.html
 */
export async function crmOrg(client: ZohoApiClient): Promise<CrmOrg | null> {
  const { data } = await client.get('/crm/v8/org', { scope: 'ZohoCRM.org.READ' })
  return firstOf<CrmOrg>(data, 'org')
}
