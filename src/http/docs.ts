/**
 * /docs: Swagger UI over both OpenAPI documents, served entirely from this server (the assets of the
 * pinned swagger-ui-dist package), so it works on a machine without internet access and under a
 * strict Content-Security-Policy: no CDN, no inline script.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './app-env.ts'

export const DOCS_PATH = '/docs'
const ASSETS_PATH = `${DOCS_PATH}/assets`

/** The swagger-ui-dist files the page loads, with their content types. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

/**
 * What the page needs and nothing more. Swagger UI sets styles through the DOM (allowed) and uses
 * data: URIs for its icons; it fetches the documents from this origin.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

export interface DocsDocument {
  url: string
  name: string
}

function assetDirectory(): string {
  const require = createRequire(import.meta.url)
  return path.dirname(require.resolve('swagger-ui-dist/package.json'))
}

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agent-tool-server API</title>
<link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="${ASSETS_PATH}/swagger-ui-standalone-preset.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`
}

/**
 * The start-up script: a file of its own, since a strict CSP refuses inline scripts. No validator
 * badge: it would send the document's URL to validator.swagger.io.
 */
function initScript(documents: readonly DocsDocument[]): string {
  return `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(documents)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  validatorUrl: null,
})
`
}

/** Mounts /docs, its start-up script and its assets (read once, on first use). */
export function mountDocs(app: OpenAPIHono<AppEnv>, documents: readonly DocsDocument[]): void {
  const html = page()
  const script = initScript(documents)
  const cache = new Map<string, Buffer>()
  const security = { 'Content-Security-Policy': DOCS_CSP, 'X-Content-Type-Options': 'nosniff' }
  app.get(DOCS_PATH, (c) => c.html(html, 200, security))
  app.get(`${DOCS_PATH}/init.js`, (c) =>
    c.body(script, 200, { ...security, 'Content-Type': 'text/javascript; charset=utf-8' }),
  )
  app.get(`${ASSETS_PATH}/:file`, (c) => {
    const file = c.req.param('file')
    const type = ASSETS[file]
    if (!type) return c.notFound()
    let content = cache.get(file)
    if (!content) {
      content = readFileSync(path.join(assetDirectory(), file))
      cache.set(file, content)
    }
    return c.body(new Uint8Array(content), 200, {
      ...security,
      'Content-Type': type,
      // The files change only with the pinned package version, i.e. with a new release.
      'Cache-Control': 'public, max-age=86400',
    })
  })
}
