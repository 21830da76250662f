/**
 * Small bar charts drawn on the server as SVG (no script, no inline style: the CSP allows neither).
 * Each chart names itself for screen readers and has its numbers as a table underneath.
 */
import type { FC } from 'hono/jsx'

export interface BarSeries {
  name: string
  /** A CSS class that colours the bars (see app.css). */
  className: string
  values: number[]
}

export interface BarChartProps {
  id: string
  title: string
  description: string
  labels: string[]
  /** Stacked from the bottom, in this order. */
  series: BarSeries[]
  /** Only every n-th label is drawn under the axis (all are in the table). */
  labelEvery?: number
}

const WIDTH = 600
const HEIGHT = 200
const PAD_LEFT = 36
const PAD_BOTTOM = 24
const PAD_TOP = 10

/** A round upper bound for the axis: 1, 2, 5, 10, 20, 50 … at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1
  const magnitude = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude
  return 10 * magnitude
}

export const BarChart: FC<BarChartProps> = ({
  id,
  title,
  description,
  labels,
  series,
  labelEvery = 1,
}) => {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
  const top = niceMax(Math.max(0, ...totals))
  const plotWidth = WIDTH - PAD_LEFT
  const plotHeight = HEIGHT - PAD_BOTTOM - PAD_TOP
  const slot = plotWidth / Math.max(1, labels.length)
  const barWidth = Math.max(2, slot * 0.7)
  const y = (value: number) => PAD_TOP + plotHeight - (value / top) * plotHeight
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {(top % 2 === 0 ? [0, 0.5, 1] : [0, 1]).map((f) => (
          <g>
            <line class="grid" x1={PAD_LEFT} x2={WIDTH} y1={y(top * f)} y2={y(top * f)} />
            <text class="axis" x={PAD_LEFT - 4} y={y(top * f) + 4} text-anchor="end">
              {String(Math.round(top * f))}
            </text>
          </g>
        ))}
        {labels.map((label, i) => {
          let base = 0
          const x = PAD_LEFT + i * slot + (slot - barWidth) / 2
          return (
            <g>
              {series.map((s) => {
                const value = s.values[i] ?? 0
                const bottom = base
                base += value
                return value > 0 ? (
                  <rect
                    class={s.className}
                    x={x}
                    width={barWidth}
                    y={y(bottom + value)}
                    height={y(bottom) - y(bottom + value)}
                  >
                    <title>{`${label}: ${value} ${s.name}`}</title>
                  </rect>
                ) : null
              })}
              {i % labelEvery === 0 ? (
                <text class="axis" x={x + barWidth / 2} y={HEIGHT - 6} text-anchor="middle">
                  {label}
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
      <figcaption>
        <span class="legend">
          {series.map((s) => (
            <span class="legend-item">
              <span class={`swatch ${s.className}`} aria-hidden="true"></span>
              {s.name}
            </span>
          ))}
        </span>
        <details>
          <summary>{`${title} as a table`}</summary>
          <table class="compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                {series.map((s) => (
                  <th scope="col">{s.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr>
                  <th scope="row">{label}</th>
                  {series.map((s) => (
                    <td>{String(s.values[i] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  )
}
