// A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC as
// Cloudflare's cron triggers are: numbers, `*`, ranges `a-b`, steps `*/n` and `a-b/n`, lists,
// month and weekday names (JAN…DEC, SUN…SAT), 7 as Sunday. As in Vixie cron (and Cloudflare),
// when both day fields are restricted a day matches if EITHER matches.
// Used by scripts/start.mjs, which fires the Worker's `scheduled` handler on these times.

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

function value(text, field, expression) {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (field.name === "month" ? 1 : 0);
  if (!/^\d+$/.test(text)) throw new Error(`cron "${expression}": "${text}" is not a valid ${field.name}`);
  const number = Number(text);
  if (number < field.min || number > field.max) throw new Error(`cron "${expression}": ${field.name} ${number} is outside ${field.min}-${field.max}`);
  return number;
}

function parseField(text, field, expression) {
  const allowed = new Set();
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron "${expression}": bad step "${part}" in ${field.name}`);
    let low;
    let high;
    if (range === "*") [low, high] = [field.min, field.max];
    else if (range.includes("-")) [low, high] = range.split("-").map((end) => value(end, field, expression));
    else {
      low = value(range, field, expression);
      high = stepText === undefined ? low : field.max;
    }
    if (low > high) throw new Error(`cron "${expression}": empty range "${part}" in ${field.name}`);
    for (let n = low; n <= high; n += step) allowed.add(field.name === "day of week" && n === 7 ? 0 : n);
  }
  return { allowed, any: text === "*" };
}

/** Parses a cron expression; throws an Error naming the bad field. */
export function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}": expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((part, i) => parseField(part, FIELDS[i], expression));
  return { expression, minute, hour, dayOfMonth, month, dayOfWeek };
}

function dayMatches(cron, date) {
  const dom = cron.dayOfMonth.allowed.has(date.getUTCDate());
  const dow = cron.dayOfWeek.allowed.has(date.getUTCDay());
  if (cron.dayOfMonth.any || cron.dayOfWeek.any) return dom && dow;
  return dom || dow;
}

/** The first minute strictly after `after` (a Date) at which the cron fires, in UTC. */
export function nextFireTime(cron, after) {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 24 * 60 * 60 * 1000;
  while (t.getTime() <= limit) {
    if (!cron.month.allowed.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
    } else if (!dayMatches(cron, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
    } else if (!cron.hour.allowed.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
    } else if (!cron.minute.allowed.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
    } else return t;
  }
  throw new Error(`cron "${cron.expression}" never fires`);
}
