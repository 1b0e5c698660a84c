import { badRequest, payloadTooLarge } from "@/lib/errors";

/**
 * The bytes of the file field `field` of a multipart upload, refused with 413 as soon as the body grows
 * past `maxBytes` (announced by Content-Length, or counted while reading: nothing larger is buffered).
 * Also accepts a raw body (`Content-Type: text/csv`), for clients without forms.
 */
export async function readUploadedFile(request: Request, maxBytes: number, field = "file"): Promise<Uint8Array> {
  const tooLarge = () => payloadTooLarge(`The upload is larger than ${Math.round(maxBytes / 1024 / 1024)} MB: split the file into smaller ones`);
  // Multipart framing adds a little to the file itself.
  const limit = maxBytes + 64 * 1024;
  const announced = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(announced) && announced > limit) throw tooLarge();
  if (!request.body) throw badRequest("Upload a CSV file (multipart form field \"file\")");

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = Buffer.concat(chunks);
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    if (/^(text\/csv|text\/plain|application\/octet-stream)/i.test(type)) return body.byteLength > maxBytes ? Promise.reject(tooLarge()) : new Uint8Array(body);
    throw badRequest("Upload a CSV file as multipart/form-data (field \"file\") or as text/csv");
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": type } }).formData();
  } catch {
    throw badRequest("The upload is not a valid multipart form");
  }
  const file = form.get(field);
  if (!file || typeof file === "string") throw badRequest(`The form has no file in its "${field}" field`);
  if (file.size > maxBytes) throw tooLarge();
  return new Uint8Array(await file.arrayBuffer());
}
