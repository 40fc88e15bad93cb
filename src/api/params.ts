/** Schemas of the API's path parameters: ids are decimal integers, names follow their patterns. */
import { z } from "zod";
import { repositoryNamePattern } from "../repositories/model";

export const repositoryNameParam = z.string().regex(repositoryNamePattern, "must match [a-z0-9][a-z0-9._-]{0,63}");
export const userNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
export const userNameParam = z.string().regex(userNamePattern, "must be 1-64 of a-z A-Z 0-9 . _ -");
/** A decimal id: `16`, never `0x10`, `1e1` or `016`. */
export const idParam = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/, "must be a decimal integer")
  .transform(Number);
export const packageNameParam = z.string().min(1).max(512);
export const versionParam = z.string().min(1).max(256);
