/**
 * A small Dockerfile reader for the deploy tests: instructions, stages, exec-form arguments, ENV and
 * COPY flags — enough to check our Dockerfile statically and to replay its steps without Docker.
 * It understands the syntax our Dockerfile uses and throws on anything it does not, so a new construct
 * makes the test say "teach me" instead of passing silently.
 */

export interface Instruction {
  keyword: string
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string
  line: number
}

export interface Stage {
  /** Image or earlier stage name after FROM. */
  from: string
  name: string | null
  instructions: Instruction[]
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = []
  const lines = text.split(/\r?\n/)
  let pending: { parts: string[]; line: number } | null = null
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim()
    // Comments (and parser directives) are whole lines starting with #, also inside continuations.
    if (trimmed.startsWith('#')) continue
    if (trimmed === '' && !pending) continue
    const continued = /\\$/.test(trimmed)
    const content = continued ? trimmed.slice(0, -1).trim() : trimmed
    if (pending) pending.parts.push(content)
    else pending = { parts: [content], line: index + 1 }
    if (continued) continue
    const joined = pending.parts.filter(Boolean).join(' ')
    const match = /^([A-Za-z]+)\s*(.*)$/.exec(joined)
    if (!match?.[1]) throw new Error(`Dockerfile line ${pending.line}: cannot parse "${joined}"`)
    instructions.push({ keyword: match[1].toUpperCase(), args: match[2] ?? '', line: pending.line })
    pending = null
  }
  if (pending) throw new Error('Dockerfile ends inside a line continuation')
  return instructions
}

export function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const parts = instruction.args.split(/\s+/).filter((p) => !p.startsWith('--'))
      const [from, as, name] = parts
      if (!from) throw new Error(`Dockerfile line ${instruction.line}: FROM without an image`)
      stages.push({
        from,
        name: as?.toUpperCase() === 'AS' && name ? name : null,
        instructions: [],
      })
      continue
    }
    const stage = stages.at(-1)
    if (!stage) {
      if (instruction.keyword === 'ARG') continue
      throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`)
    }
    stage.instructions.push(instruction)
  }
  return stages
}

/** `["a", "b"]` → ['a', 'b']; shell form → null. */
export function execForm(args: string): string[] | null {
  const trimmed = args.trim()
  if (!trimmed.startsWith('[')) return null
  const parsed: unknown = JSON.parse(trimmed)
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
    throw new Error(`not a JSON array of strings: ${trimmed}`)
  }
  return parsed
}

/** Leading `--name=value` flags and the remaining words. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {}
  const words = args.trim().split(/\s+/).filter(Boolean)
  while (words[0]?.startsWith('--')) {
    const word = words.shift() as string
    const eq = word.indexOf('=')
    flags[eq > 0 ? word.slice(2, eq) : word.slice(2)] = eq > 0 ? word.slice(eq + 1) : 'true'
  }
  return { flags, rest: words }
}

/** `ENV A=1 B="two words"` (and the legacy `ENV A value`). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {}
  const trimmed = args.trim()
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(trimmed)) {
    const [key, ...value] = trimmed.split(/\s+/)
    if (key) env[key] = value.join(' ')
    return env
  }
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g
  for (const match of trimmed.matchAll(pattern)) {
    const [, key, value = ''] = match
    if (!key) continue
    env[key] =
      value.startsWith('"') || value.startsWith("'")
        ? value.slice(1, -1).replace(/\\(.)/g, '$1')
        : value
  }
  return env
}

/** HEALTHCHECK [--options] CMD … → its options and command (exec form or shell form). */
export function parseHealthcheck(args: string): {
  options: Record<string, string>
  exec: string[] | null
  shell: string | null
} {
  const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)$/s.exec(args.trim())
  if (!match) throw new Error(`HEALTHCHECK without CMD: ${args}`)
  const { flags } = splitFlags(match[1] ?? '')
  const command = match[2] ?? ''
  const exec = execForm(command)
  return { options: flags, exec, shell: exec ? null : command }
}
