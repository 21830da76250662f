/**
 * The tools document (/openapi.json) built in process under fixed settings, bare and with every
 * configured-only tool (Dify, WhatsApp) present: what the snapshot test compares against the
 * committed snapshots of the document as it was before the tool registry generated it.
 */
import { buildTestApp } from './app.ts'
import { readJson } from './http.ts'

/** Dify and Evolution are never called while a document is built, so nothing listens here. */
const NOWHERE = 'http://127.0.0.1:9'

export const DOCUMENT_SETTINGS = {
  bare: {},
  configured: {
    DIFY_API_URL: NOWHERE,
    DIFY_APPS: 'helper:chat:app-snapshot-key-1',
    EVOLUTION_API_URL: NOWHERE,
    EVOLUTION_API_KEY: 'evolution-snapshot-key',
    EVOLUTION_API_INSTANCE: 'snapshot',
  },
} as const satisfies Record<string, Record<string, string>>

export type DocumentSetting = keyof typeof DOCUMENT_SETTINGS

export async function toolsDocument(setting: DocumentSetting) {
  const { app } = buildTestApp({ env: { ...DOCUMENT_SETTINGS[setting] } })
  return readJson(app.request('/openapi.json'))
}
