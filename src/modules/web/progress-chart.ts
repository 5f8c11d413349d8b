/** One month's counts on the progress chart. */
export interface MonthTotals {
  month: string;
  advancing: number;
  stalled: number;
}

export interface ProgressChart {
  width: number;
  height: number;
  advancing: string;
  stalled: string;
  /** Labels of the y axis: value and height. */
  ticks: { y: number; label: number }[];
  /** Labels of the x axis, one a year and the last month (anchored at its end, inside the chart). */
  months: { x: number; label: string; anchor: 'middle' | 'end' }[];
  max: number;
  rows: MonthTotals[];
}

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 40, right: 10, top: 10, bottom: 30 };

/**
 * The advancing and stalled lines as SVG polyline points, drawn by the page's template: a chart
 * rendered on the server, readable without JavaScript, with the numbers also in a table beside it.
 */
export function progressChart(rows: MonthTotals[]): ProgressChart {
  const max = Math.max(1, ...rows.flatMap((row) => [row.advancing, row.stalled]));
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (rows.length <= 1 ? 0 : (index * innerWidth) / (rows.length - 1));
  const y = (value: number) => PAD.top + innerHeight - (value * innerHeight) / max;
  const line = (pick: (row: MonthTotals) => number) =>
    rows.map((row, index) => `${x(index).toFixed(1)},${y(pick(row)).toFixed(1)}`).join(' ');
  const ticks = [0, Math.round(max / 2), max].map((value) => ({ y: y(value), label: value }));
  const months = rows.flatMap((row, index): ProgressChart['months'] =>
    index === rows.length - 1
      ? [{ x: x(index), label: row.month, anchor: 'end' }]
      : row.month.endsWith('-01') && index < rows.length - 3
        ? [{ x: x(index), label: row.month, anchor: 'middle' }]
        : [],
  );
  return {
    width: WIDTH,
    height: HEIGHT,
    advancing: line((row) => row.advancing),
    stalled: line((row) => row.stalled),
    ticks,
    months,
    max,
    rows,
  };
}
