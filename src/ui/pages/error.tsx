/** Error pages that say what happened and where to go next. */
import type { FC } from 'hono/jsx'
import { Layout } from '../components/layout.tsx'
import type { Session } from '../session/sessions.ts'
import type { StaticAssets } from '../static.ts'

export interface ErrorInfo {
  status: number
  title: string
  detail: string
  requestId?: string
}

export const ErrorCard: FC<ErrorInfo & { session?: Session | null }> = ({
  status,
  title,
  detail,
  requestId,
  session,
}) => (
  <section class="card narrow" role="alert" tabindex={-1} data-focus-after-swap="">
    <p class="muted">Error {String(status)}</p>
    <h1>{title}</h1>
    <p>{detail}</p>
    {requestId ? (
      <p class="muted">
        Request id <code>{requestId}</code> (the server log has the details).
      </p>
    ) : null}
    <p class="actions">
      {session ? (
        <>
          <a class="button" href="/ui/jobs">
            Go to the jobs
          </a>
          <a class="button secondary" href="/ui">
            Overview
          </a>
        </>
      ) : (
        <a class="button" href="/ui/login">
          Log in
        </a>
      )}
    </p>
  </section>
)

export const ErrorPage: FC<ErrorInfo & { assets: StaticAssets; session?: Session | null }> = (
  props,
) => (
  <Layout title={props.title} assets={props.assets} session={props.session}>
    <ErrorCard {...props} />
  </Layout>
)
