import { authorizeRequest } from "@/lib/auth/authorize";
import { clientIp } from "@/lib/http/client-ip";
import { readUploadedFile } from "@/lib/http/read-upload";
import { errorResponse, handle, json } from "@/lib/http/respond";
import { MAX_IMPORT_BYTES } from "@/lib/patients/import/parse-csv";
import { prepareImport, previewImport, writeImport } from "@/lib/patients/import/run-import";

export const dynamic = "force-dynamic";

/**
 * `POST /api/admin/patients/import[?commit=1]` with a CSV file (multipart field `file`, or a text/csv
 * body). Without `commit`: the preview as JSON. With it: newline-delimited JSON, `{"progress":{done,
 * total}}` after each batch written and a last `{"result":{…}}`, or `{"error":{…}}` (then the transaction
 * was rolled back: nothing written). A bad file is refused before anything is written, with the
 * contract's JSON error (400, 413).
 */
export const POST = handle(async (request) => {
  const actor = await authorizeRequest(request, { mutation: true, roles: ["admin"] });
  const commit = new URL(request.url).searchParams.get("commit") === "1";
  const bytes = await readUploadedFile(request, MAX_IMPORT_BYTES);
  if (!commit) return json(await previewImport(actor, bytes));

  const prepared = await prepareImport(actor, bytes);
  const ip = clientIp(request);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (line: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      const total = prepared.plan.counts.create + prepared.plan.counts.update;
      send({ progress: { done: 0, total } });
      writeImport(actor, prepared, ip, (done) => send({ progress: { done, total } }))
        .then((result) => send({ result }))
        .catch(async (error: unknown) => send(await errorResponse(error).json()))
        .finally(() => controller.close());
    },
  });
  return new Response(stream, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" } });
});
