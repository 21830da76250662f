/**
 * The dashboard's static files, read once at start-up and served from memory: our stylesheet and
 * script, and htmx from its npm package (htmx.org, pinned): no CDN, nothing fetched at run time.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Hono } from 'hono'

interface Asset {
  body: string
  type: string
  /** Short content hash; pages link `?v=<hash>` so a new build is fetched at once. */
  version: string
}

const require = createRequire(import.meta.url)
const ownFile = (name: string) => new URL(`./static/${name}`, import.meta.url)

function asset(body: string, type: string): Asset {
  return { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) }
}

function loadAssets(): Map<string, Asset> {
  // The source map is not shipped; its reference would only produce a 404 in the browser's tools.
  const htmx = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8').replace(
    /\n\/\/# sourceMappingURL=\S+\s*$/,
    '\n',
  )
  return new Map([
    ['htmx.min.js', asset(htmx, 'text/javascript; charset=utf-8')],
    ['app.js', asset(readFileSync(ownFile('app.js'), 'utf8'), 'text/javascript; charset=utf-8')],
    ['app.css', asset(readFileSync(ownFile('app.css'), 'utf8'), 'text/css; charset=utf-8')],
  ])
}

export interface StaticAssets {
  /** `/ui/static/<name>?v=<hash>` */
  url(name: 'htmx.min.js' | 'app.js' | 'app.css'): string
  routes: Hono
}

export function createStaticAssets(): StaticAssets {
  const assets = loadAssets()
  const routes = new Hono().get('/:name', (c) => {
    const found = assets.get(c.req.param('name'))
    if (!found) return c.text('Not found', 404)
    const versioned = c.req.query('v') === found.version
    c.header('Content-Type', found.type)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'no-cache')
    return c.body(found.body)
  })
  return {
    url: (name) => `/ui/static/${name}?v=${assets.get(name)?.version ?? ''}`,
    routes,
  }
}
