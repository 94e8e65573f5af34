import { Prng } from './prng';

/**
 * A load trace: requests (or jobs) arriving per second, starting at a wall-clock instant (scheduled
 * actions and cron triggers fire on it).
 */
export interface Trace {
  readonly name: string;
  /** Arrival rate per second, one value per simulated second. */
  readonly rps: Float64Array;
  /** Unix seconds of the first second. */
  readonly startEpochSeconds: number;
}

/** Thrown on an unreadable CSV trace, naming the line and what is wrong with it. */
export class TraceError extends Error {
  constructor(message: string) { super(message); this.name = 'TraceError'; }
}

/** Multiply a trace (test to 2x and 3x the expected load). */
export function scaleTrace(trace: Trace, factor: number): Trace {
  if (!(factor > 0) || !Number.isFinite(factor)) { throw new TraceError(`scale must be a number greater than 0, got ${factor}`); }
  return { name: factor === 1 ? trace.name : `${trace.name} x${factor}`, startEpochSeconds: trace.startEpochSeconds, rps: trace.rps.map(v => v * factor) };
}

/**
 * Read a CSV trace. The header names the columns: the first is `second` (offset from the start),
 * `minute` (offset in minutes: each row holds for 60 seconds) or `time` (ISO 8601 timestamps at a
 * fixed step of 1 or 60 seconds); the second is `rps` (requests per second). Empty lines and lines
 * starting with `#` are skipped.
 *
 * @example
 * minute,rps
 * 0,120
 * 1,135
 */
export function readCsvTrace(text: string, name = 'csv', startEpochSeconds?: number): Trace {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  const rows: Array<{ line: number; t: number; v: number }> = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) { return; }
    const cells = line.split(',').map(c => c.trim());
    if (!header) {
      header = cells.map(c => c.toLowerCase());
      if (header.length < 2 || !['second', 'minute', 'time'].includes(header[0]) || header[1] !== 'rps') {
        throw new TraceError(`${name} line ${i + 1}: header must be 'second,rps', 'minute,rps' or 'time,rps', got '${line}'`);
      }
      return;
    }
    if (cells.length < 2) { throw new TraceError(`${name} line ${i + 1}: expected 2 columns (${header.join(',')}), got '${line}'`); }
    const t = header[0] === 'time' ? Date.parse(cells[0]) / 1000 : Number(cells[0]);
    if (!Number.isFinite(t)) { throw new TraceError(`${name} line ${i + 1}: ${header[0]} '${cells[0]}' is not ${header[0] === 'time' ? 'an ISO 8601 timestamp' : 'a number'}`); }
    const v = Number(cells[1]);
    if (cells[1] === '' || !Number.isFinite(v) || v < 0) { throw new TraceError(`${name} line ${i + 1}: rps '${cells[1]}' must be a number of at least 0`); }
    rows.push({ line: i + 1, t, v });
  });
  if (!header) { throw new TraceError(`${name}: empty trace (expected a header 'second,rps' or 'minute,rps' and rows)`); }
  if (rows.length === 0) { throw new TraceError(`${name}: no rows after the header`); }
  let step = header[0] === 'minute' ? 60 : 1;
  if (header[0] === 'time') { step = rows.length > 1 ? rows[1].t - rows[0].t : 60; }
  if (step !== 1 && step !== 60) { throw new TraceError(`${name} line ${rows[1]?.line ?? rows[0].line}: timestamps must be 1 or 60 seconds apart, got ${step}`); }
  const unit = header[0] === 'minute' ? 60 : 1;
  for (let i = 1; i < rows.length; i++) {
    const expected = header[0] === 'time' ? rows[0].t + i * step : rows[0].t + i;
    if (Math.abs(rows[i].t - expected) > 1e-6) {
      throw new TraceError(`${name} line ${rows[i].line}: ${header[0]} ${header[0] === 'time' ? new Date(rows[i].t * 1000).toISOString() : rows[i].t} out of sequence (expected ${header[0] === 'time' ? new Date(expected * 1000).toISOString() : expected}; rows must be consecutive and evenly spaced)`);
    }
  }
  const perRow = header[0] === 'time' ? step : unit === 60 ? 60 : 1;
  const rps = new Float64Array(rows.length * perRow);
  rows.forEach((r, i) => rps.fill(r.v, i * perRow, (i + 1) * perRow));
  const start = header[0] === 'time' ? rows[0].t : (startEpochSeconds ?? DEFAULT_START) + rows[0].t * unit;
  return { name, rps, startEpochSeconds: start };
}

/** Wednesday 3 March 2027, 00:00 America/New_York (05:00 UTC). */
export const DEFAULT_START = Date.UTC(2027, 2, 3, 5, 0, 0) / 1000;

function diurnal(second: number, peak: number, trough: number, peakHour: number): number {
  // A smooth day: trough at night, peak at `peakHour` local (the trace starts at local midnight).
  const h = second / 3600;
  const x = Math.cos(((h - peakHour) / 24) * 2 * Math.PI);
  return trough + (peak - trough) * Math.pow((x + 1) / 2, 2);
}

function noisy(rng: Prng, v: number, sigma: number): number { return Math.max(0, v * (1 + sigma * rng.normal())); }

/**
 * The seed's recommender: 1,000 RPS at midday, a diurnal curve (~150 RPS at night), and a 5x flash
 * sale at 12:00 local that ramps in 2 minutes and lasts 60 minutes. Per-second noise ±5%.
 */
export function recommenderTrace(seed = 1, days = 1): Trace {
  const rng = new Prng(seed);
  const n = days * 86400;
  const rps = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const sd = s % 86400;
    let v = diurnal(sd, 1000, 150, 12.5);
    const sale = sd - 12 * 3600;
    if (sale >= 0 && sale < 3600) { v *= 1 + 4 * Math.min(1, sale / 120); }
    rps[s] = noisy(rng, v, 0.05);
  }
  return { name: 'recommender-flash-sale', rps, startEpochSeconds: DEFAULT_START };
}

/**
 * The seed's conversational assistant (p95 < 300 ms): ~15 RPS at night, ~60 RPS in the afternoon,
 * an unannounced marketing surge (3x for 20 minutes at 10:00, ramping in 1 minute) and the announced
 * event of 2 March 2027 (17:00-21:00 New York, 3x) that the burst lane's schedule pre-warms for.
 * Starts 2 March 2027 00:00 America/New_York.
 */
export function assistantTrace(seed = 1): Trace {
  const rng = new Prng(seed);
  const rps = new Float64Array(86400);
  for (let s = 0; s < 86400; s++) {
    let v = diurnal(s, 60, 15, 15);
    const surprise = s - 10 * 3600;
    if (surprise >= 0 && surprise < 1200) { v *= 1 + 2 * Math.min(1, surprise / 60); }
    const event = s - 17 * 3600;
    if (event >= 0 && event < 4 * 3600) { v *= 1 + 2 * Math.min(1, event / 120); }
    rps[s] = noisy(rng, v, 0.1);
  }
  return { name: 'assistant-marketing-surges', rps, startEpochSeconds: Date.UTC(2027, 2, 2, 5, 0, 0) / 1000 };
}

/**
 * The seed's document understanding batches: large files arrive in bursts (6-10 batches a day of
 * 100-300 documents each, uploaded over 1-5 minutes), nothing in between. Jobs per second.
 */
export function documentBatchTrace(seed = 1): Trace {
  const rng = new Prng(seed);
  const rps = new Float64Array(86400);
  const batches = 6 + Math.floor(rng.next() * 5);
  for (let b = 0; b < batches; b++) {
    const start = Math.floor(rng.next() * (86400 - 3600));
    const docs = 100 + Math.floor(rng.next() * 201);
    const spread = 60 + Math.floor(rng.next() * 241);
    for (let s = start; s < start + spread; s++) { rps[s] += docs / spread; }
  }
  return { name: 'document-batches', rps, startEpochSeconds: DEFAULT_START };
}

/** The built-in traces by name. */
export const TRACES: Record<string, (seed: number) => Trace> = {
  'recommender-flash-sale': seed => recommenderTrace(seed),
  'assistant-marketing-surges': seed => assistantTrace(seed),
  'document-batches': seed => documentBatchTrace(seed),
};
