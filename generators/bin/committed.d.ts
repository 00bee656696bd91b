/** Where the committed bundles live, project-relative. */
export const COMMITTED_DIR: string;

/** The entries shipped prebuilt, project-relative. */
export const COMMITTED_ENTRIES: readonly string[];

/** A committed bundle whose inputs were just verified: each as [absolute path, size, mtimeMs]. */
export interface VerifiedBundle {
  readonly bundle: string;
  readonly inputs: readonly (readonly [string, number, number])[];
}

/** The committed bundle of `entry` if every input still has the content it was built from. */
export function committedBundle(root: string, entry: string): VerifiedBundle | undefined;

/** What `npm run build:generators` writes, as project-relative path -> bytes. */
export function buildCommitted(root: string): Promise<Map<string, Uint8Array>>;
