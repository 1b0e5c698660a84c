/** Polls `check` every 10 ms until it holds; fails the test after `withinMs` (a bound, not a measurement). */
export async function waitFor(check: () => Promise<boolean> | boolean, withinMs = 1000, what = "the condition"): Promise<void> {
  for (let waited = 0; waited < withinMs; waited += 10) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what} did not happen within ${withinMs} ms`);
}
