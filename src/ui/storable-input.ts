/**
 * The dashboard's edge check for text PostgreSQL cannot store, the twin of the tool routers' check
 * (`http/router.ts`): a NUL in a query parameter or a form field is a 422 page naming the field, before
 * any handler reads it. (A form body is UTF-8, so a lone surrogate decodes to U+FFFD on its way in.)
 */
import type { MiddlewareHandler } from 'hono'
import { findUnstorableText } from '../db/storable-text.ts'
import { unstorableTextProblem } from '../problem-error.ts'
import type { UiEnv } from './env.ts'

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i

export const refuseUnstorableInput: MiddlewareHandler<UiEnv> = async function refuseUnstorableInput(
  c,
  next,
) {
  let found = findUnstorableText(c.req.queries())
  if (!found && c.req.method === 'POST' && FORM_TYPES.test(c.req.header('Content-Type') ?? '')) {
    // parseBody caches what it read, so the handlers (and the CSRF check) see the same form.
    found = findUnstorableText(await c.req.parseBody())
  }
  // queries() maps each name to a list; the field is the name, not its position in that list.
  if (found) throw unstorableTextProblem(found[0] ?? 'form')
  await next()
}
