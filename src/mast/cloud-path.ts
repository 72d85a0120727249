/**
 * The bucket key of a path answered by MAST's path-lookup service, mapped as astroquery's client
 * maps it. Asked with `use_cloud_path=True` (as astroquery asks since it replaced
 * `mast_relative_path` by `get_cloud_paths`), the service answers cloud paths and the client only
 * drops the leading slashes. Asked without it, the service answers archive paths, which earlier
 * astroquery releases rewrote per mission; those rewrites apply here only to paths in the archive
 * form, which no cloud path takes, so either answer gives the same key.
 * @module
 */

/** Archive path prefixes (leading slashes dropped) and the cloud prefixes they move to. */
const ARCHIVE_PREFIXES: ReadonlyArray<readonly [archive: string, cloud: string]> = [
  ["mast/galex/", "galex/"],
  ["ps1/", "panstarrs/ps1/public/"],
  ["hlsp_local/public/", "mast/"],
];

/** The key in the bucket of a path the lookup service answered (`/hst/public/...`, `/ps1/...`). */
export function cloudKey(answeredPath: string): string {
  const path = answeredPath.replace(/^\/+/, "");
  for (const [archive, cloud] of ARCHIVE_PREFIXES) if (path.startsWith(archive)) return cloud + path.slice(archive.length);
  return path;
}
