import { useElementSize } from '@mantine/hooks';
import classes from './reports.module.css';

/**
 * Hand-drawn charts (SVG and plain elements, no chart library): the dashboard's CSP refuses
 * <style> elements, and each chart only repeats the table beside it, which is what screen
 * readers read — so every chart is hidden from them (aria-hidden).
 */

export interface TrendPoint {
  date: string;
  label: string;
  value: number;
}

const PAD = { top: 12, right: 12, bottom: 28, left: 40 };
const HEIGHT = 220;

/** A nice upper bound for an axis: 1, 2 or 5 × a power of ten, at least `max`. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** A line over the period's days (drawn at the container's real width, so text keeps its size on a phone). */
export function TrendChart({ points, formatValue }: { points: readonly TrendPoint[]; formatValue: (value: number) => string }) {
  const { ref, width } = useElementSize<HTMLDivElement>();
  const innerWidth = Math.max(0, width - PAD.left - PAD.right);
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const top = niceMax(Math.max(0, ...points.map((point) => point.value)));
  const x = (index: number) => PAD.left + (points.length <= 1 ? innerWidth / 2 : (index * innerWidth) / (points.length - 1));
  const y = (value: number) => PAD.top + innerHeight - (value / top) * innerHeight;
  const line = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const area = points.length > 0 ? `${line} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z` : '';
  // First, middle and last day on the axis; every point as a dot when there are few.
  const ticks = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])].filter((index) => index >= 0);
  return (
    <div ref={ref} className={classes.chart} aria-hidden="true" data-testid="trend-chart">
      {width > 0 && (
        <svg width={width} height={HEIGHT} className={classes.svg}>
          {(top >= 2 && top % 2 === 0 ? [0, 0.5, 1] : [0, 1]).map((share) => (
            <g key={share}>
              <line x1={PAD.left} x2={width - PAD.right} y1={y(top * share)} y2={y(top * share)} className={classes.grid} />
              <text x={PAD.left - 6} y={y(top * share)} dy="0.32em" textAnchor="end" className={classes.axis}>
                {formatValue(top * share)}
              </text>
            </g>
          ))}
          <path d={area} className={classes.area} />
          <path d={line} className={classes.line} />
          {points.length <= 45 && points.map((point, index) => <circle key={point.date} cx={x(index)} cy={y(point.value)} r={2.5} className={classes.dot} />)}
          {ticks.map((index) => (
            <text
              key={index}
              x={x(index)}
              y={HEIGHT - 8}
              textAnchor={index === 0 && points.length > 1 ? 'start' : index === points.length - 1 && points.length > 1 ? 'end' : 'middle'}
              className={classes.axis}
            >
              {points[index]?.label}
            </text>
          ))}
        </svg>
      )}
    </div>
  );
}

export interface Bar {
  key: string;
  label: string;
  value: number;
  display: string;
}

/** Horizontal bars, longest first as given, labelled with their value. */
export function BarChart({ bars, max, testId }: { bars: readonly Bar[]; max?: number; testId?: string }) {
  const top = max ?? Math.max(0, ...bars.map((bar) => bar.value));
  return (
    <div className={classes.bars} aria-hidden="true" data-testid={testId}>
      {bars.map((bar) => (
        <div key={bar.key} className={classes.barRow}>
          <span className={classes.barLabel}>{bar.label}</span>
          <span className={classes.barTrack}>
            <span className={classes.barFill} style={{ width: `${top > 0 ? Math.min(100, (bar.value / top) * 100) : 0}%` }} />
          </span>
          <span className={classes.barValue}>{bar.display}</span>
        </div>
      ))}
    </div>
  );
}

/** How dark a heat map cell is: five steps of utilisation, none for hours without working time. */
export function heatLevel(bps: number | null): number {
  if (bps === null) return -1;
  if (bps === 0) return 0;
  if (bps < 2500) return 1;
  if (bps < 5000) return 2;
  if (bps < 7500) return 3;
  return 4;
}
