/**
 * /openapi.json is what Dify imports: generating it from the tool registry must not change it. The
 * snapshots are the documents as the hand-written routes built them (before issue 17); a change
 * here is a change to every Dify import, so update a snapshot only on purpose, saying why in the
 * commit (`FIX_SNAPSHOTS=1` rewrites them).
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { difyRuleViolations } from '../helpers/dify-rules.ts'
import { type DocumentSetting, toolsDocument } from '../helpers/tool-documents.ts'

const snapshotPath = (setting: DocumentSetting) =>
  new URL(`./snapshots/openapi-${setting}.json`, import.meta.url)

async function compare(setting: DocumentSetting) {
  const document = await toolsDocument(setting)
  if (process.env.FIX_SNAPSHOTS === '1') {
    writeFileSync(snapshotPath(setting), `${JSON.stringify(document, null, 2)}\n`)
  }
  const snapshot = JSON.parse(readFileSync(snapshotPath(setting), 'utf8'))
  assert.deepEqual(document, snapshot)
  assert.deepEqual(difyRuleViolations(document), [])
}

describe('the tools document Dify imports', () => {
  it('is unchanged with only the webhook action', () => compare('bare'))

  it('is unchanged with Dify and WhatsApp configured', () => compare('configured'))
})
