/** Open-ended series are materialised this far ahead; reads beyond it expand on demand. */
export const HORIZON_WEEKS = 26;
/** Top-ups (start-up, the horizon job) run when less than this is left. */
export const HORIZON_TOP_UP_WEEKS = 4;

const WEEK_MS = 7 * 86_400_000;

export const horizonFrom = (now: Date) => new Date(now.getTime() + HORIZON_WEEKS * WEEK_MS);
export const needsTopUp = (materializedUntil: Date, now: Date) =>
  materializedUntil.getTime() - now.getTime() < HORIZON_TOP_UP_WEEKS * WEEK_MS;
