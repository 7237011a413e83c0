/** The schemas of the OpenAPI document (openapi-document.ts): request and answer bodies. */

export const OPENAPI_SCHEMAS = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'remedy'],
        properties: {
          code: { type: 'string', description: 'Stable; branch on it.' },
          message: { type: 'string' },
          remedy: { type: 'string', description: 'What to do about it.' },
          details: { type: 'object', description: "CRM's details of a refused record." },
        },
      },
    },
  },
  Connection: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      client_id: { type: 'string' },
      dc: { type: 'string', enum: ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'] },
      api_domain: { type: ['string', 'null'] },
      scopes: { type: 'array', items: { type: 'string' } },
      user: {
        type: 'object',
        properties: { zuid: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } },
      },
      status: { type: 'string', enum: ['active', 'needs_reauth', 'revoked'] },
      evicted: { type: 'boolean' },
      last_error: { type: ['string', 'null'] },
      access_token_expires_at: { type: ['string', 'null'], format: 'date-time' },
      last_refresh_at: { type: 'string', format: 'date-time' },
      created_at: { type: 'string', format: 'date-time' },
      quota: {
        type: 'object',
        properties: {
          mints_left: { type: 'integer', minimum: 0 },
          window_seconds: { type: 'integer' },
        },
      },
    },
  },
  UnreadableConnection: {
    type: 'object',
    required: ['id', 'status', 'last_error', 'remedy'],
    properties: {
      id: { type: 'string' },
      status: { const: 'unreadable' },
      last_error: { type: 'string' },
      remedy: { type: 'string' },
    },
  },
  CreateConnection: {
    type: 'object',
    required: ['id'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', maxLength: 128 },
      dc: { type: 'string', description: "The user's data centre; default: the broker's." },
      code: { type: 'string' },
      refresh_token: { type: 'string' },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
      replace: { type: 'boolean', description: 'Put this grant in place of the existing one.' },
    },
    oneOf: [{ required: ['code'] }, { required: ['refresh_token'] }],
  },
  Deleted: {
    type: 'object',
    required: ['deleted', 'revoked', 'message'],
    properties: {
      deleted: { const: true },
      revoked: {
        type: 'boolean',
        description: "Whether Zoho's grant is gone (now or before).",
      },
      message: { type: 'string' },
    },
  },
  Token: {
    type: 'object',
    required: ['access_token', 'api_domain', 'expires_at', 'expires_in'],
    properties: {
      access_token: { type: 'string' },
      api_domain: { type: 'string' },
      expires_at: { type: 'string', format: 'date-time' },
      expires_in: { type: 'integer', description: 'Seconds from now.' },
    },
  },
  LeadForm: {
    type: 'object',
    required: ['name', 'email'],
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      interest: { type: 'string' },
    },
  },
  Lead: {
    type: 'object',
    required: ['id'],
    properties: {
      id: { type: 'string' },
      code: { type: 'string' },
      message: { type: 'string' },
    },
  },
  ConnectLinkRequest: {
    type: 'object',
    required: ['connection'],
    additionalProperties: false,
    properties: {
      connection: { type: 'string', maxLength: 128 },
      scopes: {
        oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        description: "A comma string or an array; default: the broker's scopes.",
      },
      dc: { type: 'string' },
      return_to: {
        type: 'string',
        format: 'uri',
        description: "Where to send the person afterwards: the broker's origin or an allowed one.",
      },
    },
  },
  ConnectLink: {
    type: 'object',
    required: ['url', 'expires_at'],
    properties: {
      url: { type: 'string', format: 'uri' },
      expires_at: { type: 'string', format: 'date-time' },
    },
  },
  ApiKey: {
    type: 'object',
    required: ['id', 'name', 'prefix', 'created_at', 'last_used_at'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      prefix: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      last_used_at: { type: ['string', 'null'], format: 'date-time' },
    },
  },
} as const
