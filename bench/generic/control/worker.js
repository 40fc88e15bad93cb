// See wrangler.toml. PUT /{key} streams the body into R2 with one put (FixedLengthStream, as
// the registry does up to its multipart threshold); PUT /{key}?multipart=1 uploads it as R2
// multipart in equal 8 MiB parts (as the registry does above it). GET /{key} streams it back.
const PART_SIZE = 8 * 1024 * 1024;

async function* equalParts(stream, size) {
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of stream) {
    for (let offset = 0; offset < chunk.byteLength; ) {
      const take = Math.min(size - filled, chunk.byteLength - offset);
      buffer.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const key = url.pathname.slice(1);
    if (key === "healthz") return new Response("ok");
    if (request.method === "PUT") {
      const length = Number(request.headers.get("Content-Length"));
      if (!request.body || !Number.isSafeInteger(length) || length <= 0) return new Response("Content-Length required\n", { status: 411 });
      if (url.searchParams.get("multipart") === "1") {
        const upload = await env.BLOBS.createMultipartUpload(key);
        const parts = [];
        for await (const part of equalParts(request.body, PART_SIZE)) parts.push(await upload.uploadPart(parts.length + 1, part));
        const object = await upload.complete(parts);
        return Response.json({ size: object.size }, { status: 201 });
      }
      const fixed = new FixedLengthStream(length);
      const [object] = await Promise.all([env.BLOBS.put(key, fixed.readable), request.body.pipeTo(fixed.writable)]);
      return Response.json({ size: object.size }, { status: 201 });
    }
    if (request.method === "GET") {
      const object = await env.BLOBS.get(key);
      if (!object) return new Response("not found\n", { status: 404 });
      return new Response(object.body, { headers: { "Content-Length": String(object.size) } });
    }
    return new Response("method not allowed\n", { status: 405 });
  },
};
