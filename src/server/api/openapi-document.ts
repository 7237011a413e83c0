/**
 * The OpenAPI 3.1 description of `/api/v1`, as a plain object. `openapi.test.ts` compares its
 * (path, method) pairs with the routes the app registers, both ways, so it cannot drift.
 */
import { OPENAPI_SCHEMAS } from './openapi-schemas.js'

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: unknown): { content: { 'application/json': { schema: unknown } } } => ({
  content: { 'application/json': { schema } },
})
const error = (description: string): Record<string, unknown> => ({
  description,
  ...json(ref('Error')),
})
const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The connection id (a tenant, a user, or a name such as "default").',
  schema: { type: 'string', maxLength: 128 },
}
const common = {
  '400': error('Bad input: the body, a field, or the id (`ERR_BAD_REQUEST`).'),
  '401': error('No bearer, or not the admin token or a current API key (`ERR_UNAUTHORIZED`).'),
}
const connectionErrors = {
  ...common,
  '404': error('No such connection (`ERR_CONNECTION_NOT_FOUND`).'),
  '409': error('Needs re-authorisation or was revoked (`ERR_NEEDS_REAUTH`, …).'),
  '429': error('The 10-per-10-minutes token budget is spent (`ERR_TOKEN_THROTTLED`).'),
  '502': error('Zoho failed or could not be reached.'),
}
const adminOnly = { '403': error('An API key may not manage API keys (`ERR_FORBIDDEN`).') }
const tooLarge = { '413': error('The body is larger than the broker accepts.') }

const tokenAnswer = {
  description: 'A valid access token.',
  headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } },
  ...json(ref('Token')),
}

const proxyOperation = (method: string): Record<string, unknown> => ({
  summary: `${method} a Zoho API path with the connection's token`,
  description:
    "Forwards to the connection's API domain (from the data-centre table) plus `path` and the query string, with `Authorization: Zoho-oauthtoken …`. A refused token is refreshed once and the call retried once. Request and response bodies are streamed; hop-by-hop headers, the caller's Authorization and Cookie, and Zoho's Set-Cookie are not passed on. A path that tries to leave the API domain (encoded dots or slashes, backslashes, `//host`, `@host`) is refused with `ERR_API_PATH`.",
  parameters: [
    idParameter,
    {
      name: 'path',
      in: 'path',
      required: true,
      description: 'The API path under the API domain, e.g. `crm/v8/users` (slashes kept).',
      schema: { type: 'string' },
    },
  ],
  ...(method === 'GET' || method === 'DELETE'
    ? {}
    : { requestBody: { content: { '*/*': { schema: {} } } } }),
  responses: {
    default: { description: "Zoho's answer, streamed through." },
    ...common,
    ...tooLarge,
    '404': error('No such connection.'),
  },
})

/** The document served at `/api/v1/openapi.json` (plus `servers`, from the public URL). */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'zoho-auth broker',
    version: '1',
    description:
      'Zoho OAuth connections as a service: connect accounts, hand out access tokens, call Zoho through a proxy. Every error is `{"error": {code, message, remedy}}`.',
  },
  security: [{ bearer: [] }],
  paths: {
    '/api/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'The OpenAPI document.', ...json({}) } },
      },
    },
    '/api/v1/connections': {
      get: {
        summary: 'List connections',
        description:
          'Never a token or secret. A row that cannot be decrypted is listed with `status: "unreadable"` and a remedy instead of failing the list.',
        responses: {
          '200': {
            description: 'Every connection.',
            ...json({
              type: 'object',
              required: ['connections'],
              properties: {
                connections: {
                  type: 'array',
                  items: { oneOf: [ref('Connection'), ref('UnreadableConnection')] },
                },
              },
            }),
          },
          ...common,
        },
      },
      post: {
        summary: 'Create a connection from a grant code or a refresh token',
        description:
          "Send `code` (e.g. a Self Client's) or `refresh_token`. A grant of another client brings its `client_id` and `client_secret`, kept encrypted and used for every refresh.",
        requestBody: { required: true, ...json(ref('CreateConnection')) },
        responses: {
          '201': { description: 'The new connection.', ...json(ref('Connection')) },
          ...connectionErrors,
          '409': error('The id is taken (`ERR_CONNECTION_EXISTS`): send `"replace": true`.'),
          ...tooLarge,
        },
      },
    },
    '/api/v1/connections/{id}': {
      get: {
        summary: 'Get a connection',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The connection.', ...json(ref('Connection')) },
          ...common,
          '404': connectionErrors['404'],
          '503': error('The row cannot be decrypted with this key ring (`ERR_ENCRYPTION_KEY`).'),
        },
      },
      delete: {
        summary: 'Revoke at Zoho, then delete',
        description:
          'If Zoho refuses the revoke, nothing is deleted (502 `ERR_REVOKE_FAILED`); `force=true` deletes without revoking, and the answer says the grant may stay live at Zoho.',
        parameters: [
          idParameter,
          {
            name: 'force',
            in: 'query',
            required: false,
            description: 'Delete without revoking at Zoho.',
            schema: { type: 'string', enum: ['true', 'false'] },
          },
        ],
        responses: {
          '200': { description: 'Deleted.', ...json(ref('Deleted')) },
          ...common,
          '404': connectionErrors['404'],
          '502': error('Zoho did not confirm the revoke; nothing was deleted.'),
        },
      },
    },
    '/api/v1/connections/{id}/token': {
      get: {
        summary: 'A valid access token',
        description:
          'Served from memory until near expiry; one refresh per burst across every broker instance.',
        parameters: [idParameter],
        responses: { '200': tokenAnswer, ...connectionErrors },
      },
    },
    '/api/v1/connections/{id}/refresh': {
      post: {
        summary: 'Mint a new access token now',
        description:
          'Invalidates the current token and refreshes once (concurrent calls share one refresh). Takes no body (or `{}`).',
        parameters: [idParameter],
        responses: { '200': tokenAnswer, ...connectionErrors, ...tooLarge },
      },
    },
    '/api/v1/connections/{id}/leads': {
      post: {
        summary: 'Create a CRM lead from a website form',
        description:
          '`name` → First_Name + Last_Name, `email` → Email, `phone` → Phone, `interest` → Description.',
        parameters: [idParameter],
        requestBody: { required: true, ...json(ref('LeadForm')) },
        responses: {
          '201': { description: 'The lead was created.', ...json(ref('Lead')) },
          ...connectionErrors,
          '403': error('The grant lacks ZohoCRM.modules.leads.CREATE (`ERR_API_SCOPE`).'),
          '422': error(
            "CRM refused this record; `code` is CRM's (`MANDATORY_NOT_FOUND`, `INVALID_DATA`, `DUPLICATE_DATA`).",
          ),
          ...tooLarge,
        },
      },
    },
    '/api/v1/connect-links': {
      post: {
        summary: 'Mint a single-use connect link (30 minutes) for an end user',
        requestBody: { required: true, ...json(ref('ConnectLinkRequest')) },
        responses: {
          '201': { description: 'The link.', ...json(ref('ConnectLink')) },
          ...common,
          ...tooLarge,
          '503': error('The broker has no OAuth client (`ERR_CLIENT_NOT_CONFIGURED`).'),
        },
      },
    },
    '/api/v1/api-keys': {
      get: {
        summary: 'List API keys (admin only)',
        responses: {
          '200': {
            description: 'Every key, by prefix.',
            ...json({
              type: 'object',
              required: ['api_keys'],
              properties: { api_keys: { type: 'array', items: ref('ApiKey') } },
            }),
          },
          ...common,
          ...adminOnly,
        },
      },
      post: {
        summary: 'Create an API key (admin only); the key is in this answer only',
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
          }),
        },
        responses: {
          '201': {
            description: 'The key, shown once.',
            headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } },
            ...json({
              allOf: [
                ref('ApiKey'),
                { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
              ],
            }),
          },
          ...common,
          ...adminOnly,
          ...tooLarge,
        },
      },
    },
    '/api/v1/api-keys/{id}': {
      delete: {
        summary: 'Delete an API key (admin only); it stops working at once',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'Deleted.',
            ...json({ type: 'object', properties: { deleted: { const: true } } }),
          },
          ...common,
          ...adminOnly,
          '404': error('No such key (`ERR_NOT_FOUND`).'),
        },
      },
    },
    '/api/v1/proxy/{id}/{path}': {
      get: proxyOperation('GET'),
      post: proxyOperation('POST'),
      put: proxyOperation('PUT'),
      patch: proxyOperation('PATCH'),
      delete: proxyOperation('DELETE'),
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'The admin token (ZOHO_AUTH_ADMIN_TOKEN) or an API key (`zab_…`).',
      },
    },
    schemas: OPENAPI_SCHEMAS,
  },
} as const
