import { json } from "@/lib/http/respond";

// Unknown API paths answer in the contract's error shape rather than with an HTML page.
function notFound(request: Request) {
  const { pathname } = new URL(request.url);
  return json({ error: { code: "not_found", message: `No API route at ${pathname}` } }, { status: 404 });
}

export { notFound as GET, notFound as POST, notFound as PATCH, notFound as PUT, notFound as DELETE };
