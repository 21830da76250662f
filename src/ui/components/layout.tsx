/** The page frame: head (our CSS and scripts only), skip link, header with navigation and logout, main. */
import type { Child, FC } from 'hono/jsx'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'
import { CsrfField } from './common.tsx'

export type NavItem = 'overview' | 'jobs' | 'clickup' | null

export interface LayoutProps {
  title: string
  assets: StaticAssets
  session?: Session | null
  nav?: NavItem
  children?: Child
}

const NAV: { id: Exclude<NavItem, null>; href: string; label: string }[] = [
  { id: 'overview', href: '/ui', label: 'Overview' },
  { id: 'jobs', href: '/ui/jobs', label: 'Jobs' },
  { id: 'clickup', href: '/ui/clickup', label: 'ClickUp' },
]

export const Layout: FC<LayoutProps> = ({ title, assets, session, nav = null, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light" />
      {/* htmx's own indicator stylesheet is not wanted; and no history snapshots. */}
      <meta name="htmx-config" content='{"includeIndicatorCSS":false,"history":false}' />
      <title>{`${title} · agent-tool-server`}</title>
      {/* No favicon request (it would only 404). */}
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={assets.url('app.css')} />
      <script src={assets.url('htmx.min.js')} defer></script>
      <script src={assets.url('app.js')} defer></script>
    </head>
    <body>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/ui">
          agent-tool-server
        </a>
        {session ? (
          <nav aria-label="Main">
            <ul class="nav-list">
              {NAV.map((item) => (
                <li>
                  <a href={item.href} aria-current={nav === item.id ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {session ? (
          <form method="post" action="/ui/logout" class="logout">
            <CsrfField token={session.csrfToken} />
            <span class="who">
              Signed in as <strong>{session.keyName}</strong>
            </span>
            <button type="submit" class="button secondary small">
              Log out
            </button>
          </form>
        ) : null}
      </header>
      <main id="main" tabindex={-1}>
        {children}
      </main>
      <footer class="foot">
        {session ? (
          <span>
            Times are shown in {session.timezone}
            {session.timezone === 'UTC' ? '. ' : '; hover a time for UTC. '}
          </span>
        ) : null}
        <a href="/docs">API docs</a>
      </footer>
    </body>
  </html>
)
