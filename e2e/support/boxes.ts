import { expect, type Locator } from "@playwright/test";

export type Box = NonNullable<Awaited<ReturnType<Locator["boundingBox"]>>>;

/**
 * The element's box once it is at least `minHeight` tall and two reads 100 ms apart agree. A calendar
 * refetches after a change, and again when the live channel echoes it: each can replace an event's
 * element, and a box read from a replaced element is null (or where the old one was).
 */
export async function settledBox(locator: Locator, minHeight = 1): Promise<Box> {
  let settled: Box | null = null;
  await expect
    .poll(
      async () => {
        const before = await locator.boundingBox();
        await locator.page().waitForTimeout(100);
        const after = await locator.boundingBox();
        const same = before && after && JSON.stringify(before) === JSON.stringify(after);
        settled = same && after.height >= minHeight ? after : null;
        return settled !== null;
      },
      { message: `the element settles at ${minHeight}px or taller` },
    )
    .toBe(true);
  return settled!;
}
