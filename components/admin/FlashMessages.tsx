import { HydrationMark } from "./HydrationMark";

/** The `?notice=` / `?error=` a form action redirected with (see lib/http/form-action.ts). */
export function FlashMessages({ notice, error }: { notice?: string; error?: string }) {
  return (
    <>
      <HydrationMark />
      {error ? <p className="error" role="alert">{error}</p> : null}
      {notice ? <p className="notice" role="status">{notice}</p> : null}
    </>
  );
}
