/** The login page: a named API key (and the viewer's time zone) for a session. */
import type { FC } from 'hono/jsx'
import { Notice } from '../components/common.tsx'
import { Layout } from '../components/layout.tsx'
import type { StaticAssets } from '../static.ts'

export interface LoginPageProps {
  assets: StaticAssets
  next: string
  defaultTimezone: string
  /** API_KEYS is empty: every tool is open, and so is the dashboard. */
  open: boolean
  error?: string | null
  notice?: string | null
}

export const LoginPage: FC<LoginPageProps> = ({
  assets,
  next,
  defaultTimezone,
  open,
  error,
  notice,
}) => (
  <Layout title="Log in" assets={assets}>
    <section class="card narrow">
      <h1>Log in</h1>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      {open ? (
        <p>
          No API keys are configured (<code>API_KEYS</code> is empty), so every tool of this server
          is open to anyone who can reach it, and so is this dashboard. Set <code>API_KEYS</code>{' '}
          before exposing the server.
        </p>
      ) : (
        <p>
          Log in with your own API key (an entry of <code>API_KEYS</code>, e.g.{' '}
          <code>ana:&lt;key&gt;</code>). What you change here is recorded under its name.
        </p>
      )}
      <form method="post" action="/ui/login" class="stack">
        <input type="hidden" name="next" value={next} />
        {open ? null : (
          <div class="field">
            <label for="key">API key</label>
            <input
              id="key"
              name="key"
              type="password"
              autocomplete="current-password"
              required
              maxlength={500}
            />
          </div>
        )}
        <div class="field">
          <label for="tz">
            Time zone <span class="muted">(optional)</span>
          </label>
          <input
            id="tz"
            name="tz"
            type="text"
            maxlength={100}
            placeholder="e.g. Europe/Madrid"
            aria-describedby="tz-hint"
            data-fill-timezone=""
          />
          <p class="hint" id="tz-hint">
            Times are shown in this IANA zone. With JavaScript on, your browser’s zone is filled in;
            left empty, {defaultTimezone} is used.
          </p>
        </div>
        <button type="submit" class="button">
          {open ? 'Continue' : 'Log in'}
        </button>
      </form>
    </section>
  </Layout>
)
