/**
 * A virtual repository's indexes: the `virtual` IndexSpec (./repository-index.ts), built by
 * the virtual's own IndexBuilder after a hosted member's build (and at once when the virtual
 * is created, its members change or its key is rotated), never by a read.
 * - For each branch/repository/arch a hosted member's stored document has, the members'
 *   APKINDEX texts for it (with the `noarch` fallback a member's reads apply) are merged in
 *   member priority order — the first member listing a `{name}-{version}` wins — and signed
 *   with the **virtual's** key (apk trusts one key per repository line, as Artifact Registry
 *   has a client trust the virtual's key).
 * - Members are read as they publish: their stored documents, not their files, so an upload
 *   reaches the virtual through the member's build, then the virtual's.
 * - Each listed file is recorded with the member and the file it comes from (one asset per
 *   place), so a download through the virtual is the file whose `C:` checksum the index
 *   lists. A stanza whose file its member no longer holds (deleted or replaced since the
 *   member's build, whose next build schedules this one) is left out.
 * - Remote members are not merged: their indexes are archives signed by the upstream (serve
 *   them through the remote repository itself).
 */
import type { PackageReader } from "../../repositories/package-source";
import type { IndexBuildContext } from "../types";
import { parseApkIndex, type Stanza } from "./apkindex";
import { type AlpineIndexes, INDEX_DOCUMENT_KEY, indexOf, type ListedApk, listApks, type Place, parsePlaceKey, type VirtualFiles } from "./index-document";
import { indexSigner } from "./keys";
import { apkFilename } from "./pkginfo";

/** A hosted member as its stored document shows it. */
class PublishedMember {
  private readonly texts = new Map<string, Promise<string>>();
  private files: Promise<Map<string, ListedApk>> | null = null;

  constructor(
    readonly id: number,
    private readonly reader: PackageReader,
    readonly indexes: AlpineIndexes,
    readonly revision: number,
  ) {}

  static async load(member: { id: number; reader: PackageReader }): Promise<PublishedMember | null> {
    const document = await member.reader.findDerivedDocument(INDEX_DOCUMENT_KEY);
    const object = document ? await member.reader.readBlob(document.blob) : null;
    if (!document || !object) return null;
    return new PublishedMember(member.id, member.reader, (await object.json()) as AlpineIndexes, document.revision);
  }

  /** The stanzas the member's index for `place` lists (a `noarch` index is shared by several places: read once). */
  async stanzas(place: Place): Promise<Stanza[]> {
    const stored = indexOf(this.indexes, place);
    if (!stored) return [];
    let text = this.texts.get(stored.text.sha256);
    if (!text) {
      text = this.reader.readBlob(stored.text).then((object) => object?.text() ?? "");
      this.texts.set(stored.text.sha256, text);
    }
    return parseApkIndex(await text);
  }

  /** The member's file a stanza of `place` describes: at that arch or in `noarch`, with the same checksum. */
  async fileOf(place: Place, stanza: Stanza): Promise<ListedApk | null> {
    this.files ??= listApks(this.reader).then((all) => new Map(all.map((apk) => [fileKey(apk.place, apkFilename(apk.entry.name, apk.entry.version)), apk])));
    const files = await this.files;
    const filename = apkFilename(stanza.name, stanza.version);
    for (const arch of [place.arch, "noarch"]) {
      const found = files.get(fileKey({ ...place, arch }, filename));
      if (found?.entry.checksum === stanza.checksum) return found;
    }
    return null;
  }
}

const fileKey = (place: Place, filename: string): string => `${place.branch}/${place.repository}/${place.arch}/${filename}`;

export async function buildVirtualIndexes(reader: PackageReader, context: IndexBuildContext): Promise<AlpineIndexes> {
  const members = (await Promise.all(context.members.map((member) => PublishedMember.load(member)))).filter((m) => m !== null);
  const result: AlpineIndexes = { keyName: null, indexes: {}, members: Object.fromEntries(members.map((m) => [String(m.id), m.revision])) };
  const places = [...new Set(members.flatMap((m) => Object.keys(m.indexes.indexes)))].sort();
  if (places.length === 0) return result;
  const signer = await indexSigner(context.signingKeys, reader.repository.name);
  result.keyName = signer.keyName;
  const encoder = new TextEncoder();
  for (const key of places) {
    const place = parsePlaceKey(key);
    const files: VirtualFiles = {};
    const stanzas: string[] = [];
    for (const member of members) {
      for (const stanza of await member.stanzas(place)) {
        const filename = apkFilename(stanza.name, stanza.version);
        if (files[filename]) continue;
        const listed = await member.fileOf(place, stanza);
        if (!listed) continue;
        files[filename] = { member: member.id, ...listed.found };
        stanzas.push(`${stanza.text}\n`);
      }
    }
    const text = stanzas.join("");
    const [archive, plain, served] = await Promise.all([
      signer.sign(text, `${reader.repository.name} ${key}`).then((bytes) => context.storeAsset(bytes, "application/gzip")),
      context.storeAsset(encoder.encode(text), "text/plain; charset=utf-8"),
      context.storeAsset(encoder.encode(JSON.stringify(files)), "application/json"),
    ]);
    result.indexes[key] = { archive, text: plain, packages: stanzas.length, files: served };
  }
  return result;
}
