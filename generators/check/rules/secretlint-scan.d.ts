export interface SecretFinding {
  readonly line: number;
  readonly column: number;
  /** The secretlint rule that matched, e.g. @secretlint/secretlint-rule-basicauth. */
  readonly ruleId: string;
  /** secretlint's message, with the secret masked. */
  readonly message: string;
}

/** The secrets secretlint's recommended preset finds in one text. */
export function scanText(file: string, content: string): Promise<SecretFinding[]>;
