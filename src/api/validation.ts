/** Request parsing for the API: malformed JSON and schema violations are 400s naming the field. */
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env";
import { RegistryError } from "../errors";

function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  // An unknown key is reported on its object; name the key itself so clients can point at it.
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return path.length ? path.join(".") : "(body)";
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new RegistryError("bad_request", "invalid request");
  const field = fieldOf(issue);
  throw new RegistryError("bad_request", `${field}: ${issue.message}`, { field });
}

export async function parseJsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new RegistryError("bad_request", "request body is not valid JSON", { field: "(body)" });
  }
  return validate(schema, body);
}

export function parseQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  return validate(schema, c.req.query());
}
