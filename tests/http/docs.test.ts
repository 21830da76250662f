import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTestApp } from '../helpers/app.ts'

/** Every URL the page or its start-up script loads (src, href, and the documents). */
function loadedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
}

describe('/docs', () => {
  it('loads nothing from another origin and has no inline script', async () => {
    const { app } = buildTestApp()
    const res = await app.request('/docs')
    assert.equal(res.status, 200)
    const html = await res.text()
    const urls = loadedUrls(html)
    assert.ok(urls.length >= 4, html)
    for (const url of urls) assert.match(url, /^\/docs\//, `${url} is served here`)
    assert.doesNotMatch(html, /https?:\/\//)
    // Every <script> has a src and no body: a strict CSP refuses inline scripts.
    for (const script of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(script[1] as string, /src="/)
      assert.equal((script[2] as string).trim(), '')
    }
  })

  it('serves every asset the page loads, with its content type, under the same strict CSP', async () => {
    const { app } = buildTestApp()
    const page = await app.request('/docs')
    const csp = page.headers.get('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self'(;|$)/)
    assert.match(csp, /default-src 'self'/)
    for (const url of loadedUrls(await page.text())) {
      const res = await app.request(url)
      assert.equal(res.status, 200, url)
      const type = res.headers.get('content-type') ?? ''
      if (url.endsWith('.js')) assert.match(type, /javascript/, url)
      if (url.endsWith('.css')) assert.match(type, /text\/css/, url)
      assert.ok((await res.arrayBuffer()).byteLength > 0, url)
    }
    const bundle = await (await app.request('/docs/assets/swagger-ui-bundle.js')).text()
    assert.match(bundle, /SwaggerUIBundle/)
  })

  it('starts Swagger UI on both documents from a script file', async () => {
    const { app } = buildTestApp()
    const script = await (await app.request('/docs/init.js')).text()
    assert.match(script, /SwaggerUIBundle\(/)
    assert.match(script, /"url":"\/openapi\.json"/)
    assert.match(script, /"url":"\/openapi\/ops\.json"/)
  })

  it('serves only the listed assets, never other files of the package or the disk', async () => {
    const { app } = buildTestApp()
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/index.html',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/%2e%2e%2fpackage.json',
    ]) {
      const res = await app.request(path)
      assert.equal(res.status, 404, path)
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/)
    }
  })
})
