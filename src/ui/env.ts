/** The dashboard's Hono environment: the app's variables plus the viewer's session. */
import type { AppVariables } from '../http/app-env.ts'
import type { Session } from './session/sessions.ts'

export interface UiEnv {
  Variables: AppVariables & {
    /** Set by requireSession for every page and action behind the login. */
    session: Session
  }
}
