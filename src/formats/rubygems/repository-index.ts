/**
 * The hosted `/versions` and `/names`, whole-repository indexes built by the IndexBuilder
 * (docs/architecture.md) and stored per repository revision. `/versions` is appended to, not
 * rewritten (./versions-file.ts): each build compares the stored file with every gem's
 * current versions and `/info` MD5 and appends a line per changed gem. `/names` lists the
 * gems `/versions` has versions for.
 */
import { indexKey } from "../../repositories/index-builder";
import type { PackageReader } from "../../repositories/package-source";
import type { IndexSpec } from "../types";
import { md5Hex, namesOfVersions, renderInfo } from "./compact-index";
import { repositoryGemStates } from "./stored";
import { nextVersionsFile } from "./versions-file";

export const VERSIONS_INDEX = "versions";
export const NAMES_INDEX = "names";
export const COMPACT_CONTENT_TYPE = "text/plain; charset=utf-8";

async function storedText(reader: PackageReader, name: string): Promise<string | null> {
  const document = await reader.findDerivedDocument(indexKey("rubygems", name));
  const object = document ? await reader.readBlob(document.blob) : null;
  return object ? object.text() : null;
}

async function buildVersions(reader: PackageReader): Promise<string> {
  const [previous, states] = await Promise.all([storedText(reader, VERSIONS_INDEX), repositoryGemStates(reader)]);
  return nextVersionsFile(previous, states, Date.now(), md5Hex(renderInfo([])));
}

/** Names with versions, from the `/versions` this build just stored. */
async function buildNames(reader: PackageReader): Promise<string> {
  const versions = (await storedText(reader, VERSIONS_INDEX)) ?? (await buildVersions(reader));
  return namesOfVersions(versions);
}

export const rubygemsIndexes: readonly IndexSpec[] = [
  { name: VERSIONS_INDEX, contentType: COMPACT_CONTENT_TYPE, build: buildVersions },
  { name: NAMES_INDEX, contentType: COMPACT_CONTENT_TYPE, build: buildNames },
];
