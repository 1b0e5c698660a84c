export async function register() {
  // Next's documented switch between runtimes; the Node.js side validates configuration at start-up.
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./lib/startup-check");
}
