/** Turning JSX into responses: full pages with a doctype, fragments for htmx, no caching. */
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

import type { UiEnv } from './env.ts'

type AnyContext = Context<UiEnv>

/** An htmx request (it sends HX-Request: true) gets a fragment; a plain one a whole page. */
export function isHtmx(c: AnyContext): boolean {
  return c.req.header('HX-Request') === 'true'
}

/**
 * A whole page. hono/jsx emits no doctype, and without one the browser renders in quirks mode
 * (../shared/reference/mcp-and-dashboard.md B3), so it is prepended here.
 */
export function renderPage(
  c: AnyContext,
  node: unknown,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  c.header('Cache-Control', 'no-store')
  return c.html(html`<!DOCTYPE html>${node}`, status)
}

/** A fragment for htmx to swap in. */
export function renderFragment(
  c: AnyContext,
  node: unknown,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  c.header('Cache-Control', 'no-store')
  return c.html(html`${node}`, status)
}
