/**
 * The v3 service index (`/nuget/{repo}/index.json`): every resource on this host, under the
 * repository's base. And the other direction, for remote repositories: which URL an
 * upstream's service index gives a resource (`resourceBase`), so flat container and
 * registration reads go to whatever hosts the upstream names (NuGet.org: flat container and
 * registrations on api.nuget.org, search on azuresearch-*.nuget.org).
 */

export type ResourceKind = "flat" | "registration" | "registration-semver2";

/** The service index of a repository whose base (`{origin}/nuget/{repo}`) is `base`. */
export function serviceIndex(base: string): unknown {
  const resources: { "@id": string; "@type": string; comment?: string }[] = [];
  const add = (path: string, comment: string, ...types: string[]) => {
    for (const type of types) resources.push({ "@id": `${base}/${path}`, "@type": type, comment });
  };
  add("", "Push and delete (unlist) packages", "PackagePublish/2.0.0");
  add("v3-flatcontainer/", "Base URL of where NuGet packages are stored, in the format {base}/{id-lower}/{version-lower}/{id-lower}.{version-lower}.nupkg", "PackageBaseAddress/3.0.0");
  add("registration/", "Package metadata (SemVer 1.0.0 versions only)", "RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl/3.0.0-rc");
  add("registration-semver2/", "Package metadata including SemVer 2.0.0 versions", "RegistrationsBaseUrl/3.6.0", "RegistrationsBaseUrl/Versioned");
  add("query", "Search packages", "SearchQueryService", "SearchQueryService/3.0.0-beta", "SearchQueryService/3.0.0-rc", "SearchQueryService/3.5.0");
  add("autocomplete", "Autocomplete package ids and versions", "SearchAutocompleteService", "SearchAutocompleteService/3.0.0-beta", "SearchAutocompleteService/3.0.0-rc", "SearchAutocompleteService/3.5.0");
  add("api/v2/", "The NuGet v2 (OData) feed, for older clients", "LegacyGallery", "LegacyGallery/2.0.0");
  return { version: "3.0.0", resources, "@context": { "@vocab": "http://schema.nuget.org/services#", comment: "http://www.w3.org/2000/01/rdf-schema#comment" } };
}

const TYPES: Record<ResourceKind, readonly string[]> = {
  flat: ["PackageBaseAddress/3.0.0"],
  registration: ["RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl"],
  "registration-semver2": ["RegistrationsBaseUrl/3.6.0", "RegistrationsBaseUrl/Versioned", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl"],
};

/** The absolute base URL (ending in `/`) an upstream service index gives a resource; null when it names none. */
export function resourceBase(serviceIndexText: string, kind: ResourceKind): string | null {
  let resources: unknown;
  try {
    resources = (JSON.parse(serviceIndexText) as { resources?: unknown }).resources;
  } catch {
    return null;
  }
  if (!Array.isArray(resources)) return null;
  for (const type of TYPES[kind]) {
    for (const resource of resources as Record<string, unknown>[]) {
      const types = Array.isArray(resource?.["@type"]) ? resource["@type"] : [resource?.["@type"]];
      const id = resource?.["@id"];
      if (typeof id === "string" && /^https?:\/\//i.test(id) && types.includes(type)) return id.endsWith("/") ? id : `${id}/`;
    }
  }
  return null;
}
