/** Builds the two OpenAPI 3.0 documents: agent tools (/openapi.json, what Dify imports) and operations (/openapi/ops.json). */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './app-env.ts'
import { BEARER_SCHEME } from './router.ts'

export const TOOLS_DOCUMENT_PATH = '/openapi.json'
export const OPS_DOCUMENT_PATH = '/openapi/ops.json'

export const TOOLS_DESCRIPTION =
  'Tools for planning and scheduling future work. Call getCurrentTime before reasoning about dates. ' +
  'Times are ISO 8601; the server does all date arithmetic and answers with the next runs in UTC and local time.'

export interface DocumentOptions {
  publicUrl: string
  version: string
}

function registerBearer(router: OpenAPIHono<AppEnv>) {
  router.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key from API_KEYS. In Dify: Auth type API Key, header Authorization, prefix Bearer.',
  })
}

/** Call once per router, before the first document is generated. */
export function prepareDocuments(tools: OpenAPIHono<AppEnv>, ops: OpenAPIHono<AppEnv>) {
  registerBearer(tools)
  registerBearer(ops)
}

export function buildToolsDocument(tools: OpenAPIHono<AppEnv>, options: DocumentOptions) {
  return tools.getOpenAPIDocument({
    openapi: '3.0.3',
    info: { title: 'Agent Tool Server', version: options.version, description: TOOLS_DESCRIPTION },
    // Dify stores servers[0].url + path verbatim, so the configured URL never ends in a slash.
    servers: [{ url: options.publicUrl }],
    security: [{ [BEARER_SCHEME]: [] }],
  })
}

export function buildOpsDocument(ops: OpenAPIHono<AppEnv>, options: DocumentOptions) {
  return ops.getOpenAPIDocument({
    openapi: '3.0.3',
    info: {
      title: 'Agent Tool Server — operations',
      version: options.version,
      description: 'Health, metrics and integration endpoints. Not for agents.',
    },
    servers: [{ url: options.publicUrl }],
  })
}
