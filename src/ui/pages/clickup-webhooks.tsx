/** The ClickUp page's webhooks: each with its health and a re-register button, and a register form. */
import type { FC } from 'hono/jsx'
import type { WebhookOverview } from '../../integrations/clickup/webhook-status.ts'
import { Badge, CsrfField, EmptyState, LocalTime, Notice } from '../components/common.tsx'
import type { Session } from '../session/sessions.ts'

export const Webhooks: FC<{
  overview: WebhookOverview | { error: string }
  session: Session
  now: Date
  publicUrl: string
}> = ({ overview, session, now, publicUrl }) => (
  <section aria-labelledby="webhooks-heading">
    <h2 id="webhooks-heading">Webhooks</h2>
    {'error' in overview ? (
      <Notice kind="error">Could not read the webhooks: {overview.error}</Notice>
    ) : (
      <>
        {overview.errors.map((e) => (
          <Notice kind="error">
            ClickUp would not list the webhooks of workspace {e.team_id}: {e.message}
          </Notice>
        ))}
        {overview.webhooks.length === 0 ? (
          <EmptyState title="No webhook registered through this server.">
            <p>
              ClickUp sends task changes to <code>{publicUrl}/clickup/webhook</code> once a webhook
              is registered. Register one below with your workspace id (the number in
              app.clickup.com/<em>workspace id</em>/…).
            </p>
          </EmptyState>
        ) : (
          <table class="responsive">
            <caption class="visually-hidden">Registered webhooks and their health</caption>
            <thead>
              <tr>
                <th scope="col">Webhook</th>
                <th scope="col">Covers</th>
                <th scope="col">Health</th>
                <th scope="col">Registered</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.webhooks.map((hook) => (
                <tr>
                  <th scope="row" data-label="Webhook">
                    <code>{hook.id}</code>
                    <div class="muted break">{hook.endpoint}</div>
                  </th>
                  <td data-label="Covers">
                    workspace {hook.team_id}
                    {Object.entries(hook.location).map(([k, v]) => (
                      <span>
                        , {k.replace('_id', '')} {v}
                      </span>
                    ))}
                  </td>
                  <td data-label="Health">
                    <Badge status={hook.health} />
                    {hook.fail_count ? (
                      <span class="muted"> {String(hook.fail_count)} failures</span>
                    ) : null}
                  </td>
                  <td data-label="Registered">
                    {hook.created_at ? (
                      <LocalTime at={hook.created_at} tz={session.timezone} now={now} />
                    ) : (
                      <span class="muted">by hand (secret not stored here)</span>
                    )}
                  </td>
                  <td data-label="Actions">
                    {hook.secret_stored ? (
                      <form method="post" action={`/ui/clickup/webhooks/${hook.id}/reregister`}>
                        <CsrfField token={session.csrfToken} />
                        <button
                          type="submit"
                          class={
                            hook.health === 'active' ? 'button secondary small' : 'button small'
                          }
                        >
                          Re-register
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    )}
    <details class="card">
      <summary>Register a webhook</summary>
      <form method="post" action="/ui/clickup/webhooks" class="inline-form">
        <CsrfField token={session.csrfToken} />
        <div class="field">
          <label for="team_id">Workspace id</label>
          <input id="team_id" name="team_id" required maxlength={40} inputmode="numeric" />
        </div>
        <div class="field">
          <label for="wh_list_id">
            List id <span class="muted">(optional)</span>
          </label>
          <input id="wh_list_id" name="list_id" maxlength={40} inputmode="numeric" />
        </div>
        <div class="field buttons">
          <button type="submit" class="button">
            Register
          </button>
        </div>
      </form>
    </details>
  </section>
)
