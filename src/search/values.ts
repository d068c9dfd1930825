// Values of date and size terms, and the calendar-day arithmetic both evaluators share.
import type { CalendarDay } from '../domain/index.js';

const RELATIVE = /^(\d{1,4})([dwmy])$/i;
const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

function dayOf(d: Date): CalendarDay {
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() };
}

/** YYYY-MM-DD, today, yesterday, or N days/weeks/months/years before `now` (local calendar). */
export function parseDay(value: string, now: Date): CalendarDay | undefined {
  const lower = value.toLowerCase();
  if (lower === 'today') return dayOf(now);
  if (lower === 'yesterday') return dayOf(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  const rel = RELATIVE.exec(value);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2]!.toLowerCase();
    const y = now.getFullYear() - (unit === 'y' ? n : 0);
    const m = now.getMonth() - (unit === 'm' ? n : 0);
    const d = now.getDate() - (unit === 'd' ? n : unit === 'w' ? 7 * n : 0);
    return dayOf(new Date(y, m, d));
  }
  const iso = ISO_DAY.exec(value);
  if (!iso) return undefined;
  const day: CalendarDay = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  // Rejects 2024-02-30 and the like rather than rolling over into March.
  const check = new Date(day.year, day.month - 1, day.day);
  if (day.year < 1900 || check.getFullYear() !== day.year || check.getMonth() !== day.month - 1 || check.getDate() !== day.day) return undefined;
  return day;
}

/** Bytes from `500`, `20K`, `1.5M`, `1G` (powers of 1024); undefined when not a size. */
export function parseSize(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(value);
  if (!m) return undefined;
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Math.round(Number(m[1]) * scale);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Local midnight at the start of `day` (a day after it with `plusDays` 1). */
export function localMidnight(day: CalendarDay, plusDays = 0): Date {
  return new Date(day.year, day.month - 1, day.day + plusDays);
}

/** The same calendar day as a UTC midnight: what IMAP date keys are formatted from. */
export function utcMidnight(day: CalendarDay): Date {
  return new Date(Date.UTC(day.year, day.month - 1, day.day));
}
