/** Parses the Dify settings (DIFY_API_URL, DIFY_APPS) into apps whose API keys never print. */

export const DIFY_MODES = ['workflow', 'chat', 'agent', 'completion'] as const
export type DifyMode = (typeof DIFY_MODES)[number]

/** Dify's own app-mode names (and the console's labels) accepted as spellings of our four modes. */
const MODE_ALIASES: Record<string, DifyMode> = {
  workflow: 'workflow',
  chat: 'chat',
  chatbot: 'chat',
  chatflow: 'chat',
  'advanced-chat': 'chat',
  agent: 'agent',
  'agent-chat': 'agent',
  completion: 'completion',
  'text-generator': 'completion',
}

const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/
/** Dify app keys look like `app-…`; a name that does too means the entry's parts are out of order. */
const LOOKS_LIKE_KEY = /^app-/i

export interface DifyApp {
  /** What agents call the app (`app` field); matched case-insensitively. */
  name: string
  mode: DifyMode
  /** The app's service API key. Non-enumerable: JSON.stringify, logs and deepEqual never see it. */
  readonly apiKey: string
}

export interface DifyConfig {
  /** Base URL of Dify's service API, always ending in `/v1`, no trailing slash; null when unset. */
  apiUrl: string | null
  apps: readonly DifyApp[]
  /** `user` sent to Dify when a job gives none. */
  defaultUser: string
  /** Default attempt timeout of a Dify job. */
  timeoutSeconds: number
}

/** `http://api:5001`, `https://dify.example.com/` and `…/v1` all become `<origin><path>/v1`. */
export function normaliseDifyApiUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new Error('must be an absolute http(s) URL, e.g. http://api:5001')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('must be an absolute http(s) URL, e.g. http://api:5001')
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('must not contain credentials, a query or a fragment')
  }
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.origin}${path.endsWith('/v1') ? path : `${path}/v1`}`
}

function makeApp(name: string, mode: DifyMode, apiKey: string): DifyApp {
  const app = { name, mode } as DifyApp
  Object.defineProperty(app, 'apiKey', { value: apiKey, enumerable: false })
  return Object.freeze(app)
}

/**
 * `name:mode:api_key,…` → apps. Errors name the entry by position and name but never repeat the
 * key (or any part that could be one).
 */
export function parseDifyApps(raw: string | undefined): DifyApp[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const apps = entries.map((entry, index) => {
    const at = `entry ${index + 1}`
    const first = entry.indexOf(':')
    const second = first < 0 ? -1 : entry.indexOf(':', first + 1)
    if (first < 0 || second < 0) {
      throw new Error(`${at} is not name:mode:api_key (e.g. helper:chat:app-…)`)
    }
    const name = entry.slice(0, first).trim()
    const modeText = entry
      .slice(first + 1, second)
      .trim()
      .toLowerCase()
    const apiKey = entry.slice(second + 1).trim()
    if (LOOKS_LIKE_KEY.test(name)) {
      throw new Error(
        `${at} starts with what looks like an API key; the order is name:mode:api_key`,
      )
    }
    if (!APP_NAME.test(name)) {
      throw new Error(
        `${at} has an invalid name; use 1-50 letters, digits, "-", "_" or "." starting with a letter or digit`,
      )
    }
    const mode = MODE_ALIASES[modeText]
    if (!mode) {
      throw new Error(
        `${at} (${name}) has an unknown mode; use one of ${DIFY_MODES.join(', ')} (chat covers chatbot and chatflow apps)`,
      )
    }
    if (!apiKey || /\s/.test(apiKey)) {
      throw new Error(`${at} (${name}) has an empty API key or one with spaces`)
    }
    return makeApp(name, mode, apiKey)
  })
  const seen = new Set<string>()
  for (const app of apps) {
    const key = app.name.toLowerCase()
    if (seen.has(key)) throw new Error(`two entries are named "${app.name}"; names must be unique`)
    seen.add(key)
  }
  return apps
}
