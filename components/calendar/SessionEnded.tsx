/** Shown instead of the appointments once the page's session has ended (see useLiveUpdates). */
export function SessionEnded() {
  return (
    <p className="error" role="alert">
      Your session has ended, so the appointments are hidden. <a href="/login">Sign in again</a>
    </p>
  );
}
