/**
 * Instants as SQL parameters. drizzle's postgres client passes timestamps through as text (both ways),
 * so parameters are ISO strings and timestamptz columns come back as strings.
 */
export const iso = (ms: number | Date) => new Date(ms).toISOString();
