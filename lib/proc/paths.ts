/** A file URL for a path relative to the current directory. */
export function toFileUrl(path: string): string {
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return new URL(`file://${abs}`).href;
}
