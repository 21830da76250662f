/** The overview page. */
import { Hono } from 'hono'
import type { UiContext } from '../context.ts'
import type { UiEnv } from '../env.ts'
import { OverviewPage } from '../pages/overview.tsx'
import { renderPage } from '../render.ts'

export function createOverviewRoutes(ui: UiContext) {
  return new Hono<UiEnv>().get('/', async (c) =>
    renderPage(
      c,
      <OverviewPage
        assets={ui.assets}
        session={c.get('session')}
        overview={await ui.scheduler.getOverview()}
        publicUrl={ui.publicUrl}
      />,
    ),
  )
}
