/**
 * Refuses to start on a Node.js older than the dependencies need, with a message that says what is
 * needed and how to get it, instead of a stack trace from deep inside undici. main.ts imports this
 * module first, so it runs before any dependency is evaluated.
 */

/** undici 8 needs 22.19 (its package.json `engines`); pg-boss 12 needs 22.12. */
export const MINIMUM_NODE_VERSION = '22.19.0'

function parse(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0)
}

function isOlder(version: string, minimum: string): boolean {
  const [a, b] = [parse(version), parse(minimum)]
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0)
  }
  return false
}

/** The message to print when `version` is too old, or null when it will do. */
export function nodeVersionProblem(version: string): string | null {
  if (!isOlder(version, MINIMUM_NODE_VERSION)) return null
  return [
    `agent-tool-server needs Node.js ${MINIMUM_NODE_VERSION} or newer (Node 24 LTS recommended); this is Node.js ${version.replace(/^v/, '')}.`,
    'Install Node 24 (https://nodejs.org, or `nvm install 24 && nvm use 24`, or `fnm use 24`),',
    'then run `npm ci` again (packages installed by an older Node may not fit) and `npm start`.',
    'With Docker nothing is needed: the image brings its own Node (README → Deploy with Docker).',
  ].join('\n')
}

const problem = nodeVersionProblem(process.versions.node)
if (problem) {
  process.stderr.write(`${problem}\n`)
  process.exit(1)
}
