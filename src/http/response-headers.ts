/**
 * Adding headers to a finished response without copying it: the app's own responses have
 * mutable headers, so they are changed in place; a response with immutable headers (as
 * `fetch` returns them) is copied once. A copy of a whole `Response` per request was a
 * measurable part of a warm hit (bench/README.md "Where a warm hit's time goes").
 */
export function withHeaders(response: Response, set: (headers: Headers) => void): Response {
  try {
    set(response.headers); // throws on the first change when the headers are immutable
    return response;
  } catch {
    const copy = new Response(response.body, response);
    set(copy.headers);
    return copy;
  }
}
