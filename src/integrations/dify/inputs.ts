/** Checks a run's inputs against an app's input form (pure), in words an agent can act on. */
import type { DifyInputVariable } from './types.ts'

export interface InputIssue {
  /** The variable concerned (the key in `inputs`). */
  variable: string
  message: string
  hint: string
}

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '')

function listVariables(variables: readonly DifyInputVariable[]): string {
  if (variables.length === 0) return 'This app takes no input variables; send inputs empty.'
  const described = variables.map((v) => `${v.variable}${v.required ? ' (required)' : ''}`)
  return `Its variables: ${described.join(', ')}.`
}

/**
 * Every problem at once: required variables missing or blank, names the app does not define (Dify
 * would silently drop them, so a misspelt name would go unnoticed), and select values not offered.
 */
export function checkInputs(
  inputs: Record<string, unknown>,
  variables: readonly DifyInputVariable[],
  appName: string,
): InputIssue[] {
  const issues: InputIssue[] = []
  const known = new Map(variables.map((v) => [v.variable, v]))
  for (const variable of variables) {
    if (variable.required && isBlank(inputs[variable.variable])) {
      const label =
        variable.label && variable.label !== variable.variable ? ` (${variable.label})` : ''
      issues.push({
        variable: variable.variable,
        message: `the required input variable "${variable.variable}"${label} of app "${appName}" is missing.`,
        hint: `Add it to inputs, e.g. {"${variable.variable}":"…"}. ${listVariables(variables)}`,
      })
    }
  }
  for (const [name, value] of Object.entries(inputs)) {
    const variable = known.get(name)
    if (!variable) {
      issues.push({
        variable: name,
        message: `app "${appName}" has no input variable "${name}".`,
        hint: `Remove it or use the right name. ${listVariables(variables)}`,
      })
      continue
    }
    if (variable.options && variable.options.length > 0 && !isBlank(value)) {
      if (!variable.options.includes(String(value))) {
        issues.push({
          variable: name,
          message: `"${String(value)}" is not one of the values "${name}" accepts.`,
          hint: `Use one of: ${variable.options.join(', ')}.`,
        })
      }
    }
  }
  return issues
}
