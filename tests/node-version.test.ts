import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MINIMUM_NODE_VERSION, nodeVersionProblem } from '../src/node-version.ts'

describe('nodeVersionProblem', () => {
  it('says what is needed and how to get it on a Node older than the dependencies need', () => {
    const message = nodeVersionProblem('v20.20.2')
    assert.ok(message)
    assert.match(message, /needs Node\.js 22\.19\.0 or newer/)
    assert.match(message, /this is Node\.js 20\.20\.2/)
    assert.match(message, /nvm install 24/)
    assert.match(message, /npm ci/)
    assert.ok(nodeVersionProblem('22.18.9'))
  })

  it('accepts the minimum and anything newer', () => {
    assert.equal(nodeVersionProblem(MINIMUM_NODE_VERSION), null)
    assert.equal(nodeVersionProblem('22.19.1'), null)
    assert.equal(nodeVersionProblem('v24.21.0'), null)
    assert.equal(nodeVersionProblem('30.0.0'), null)
  })

  it('matches the engines field npm enforces (engine-strict)', async () => {
    const { readFile } = await import('node:fs/promises')
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
    assert.equal(pkg.engines.node, `>=${MINIMUM_NODE_VERSION.replace(/\.0$/, '')}`)
    const npmrc = await readFile(new URL('../.npmrc', import.meta.url), 'utf8')
    assert.match(npmrc, /^engine-strict=true$/m)
  })
})
