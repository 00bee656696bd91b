import { AssertionError } from 'node:assert';

export interface LabelledSecret {
  /** Says which secret leaked without repeating it, e.g. `expired token #3`. */
  readonly label: string;
  readonly value: string;
}

/** Enough of a secret to recognise it in a failure message, never enough to reuse it. */
export function maskSecret(value: string): string {
  const shown = value.length >= 24 ? value.slice(0, 4) : '';
  return `${shown}…(${value.length} chars)`;
}

export function findLeaks(text: string, secrets: readonly LabelledSecret[]): LabelledSecret[] {
  return secrets.filter((secret) => text.includes(secret.value));
}

export function assertNoLeaks(text: string, secrets: readonly LabelledSecret[], where: string): void {
  for (const secret of secrets) {
    if (secret.value === '') throw new TypeError(`${secret.label} is empty; an empty secret matches any text`);
  }
  const leaks = findLeaks(text, secrets);
  if (leaks.length === 0) return;
  const names = leaks.map((leak) => `${leak.label} [${maskSecret(leak.value)}]`).join(', ');
  throw new AssertionError({ message: `${where} contains ${leaks.length} planted secret(s): ${names}` });
}

/**
 * Throws if any of `secrets` occurs in `text`. The failure names the secret by position and a
 * masked form, so the assertion message does not leak it a second time.
 *
 * @example
 * expectNoSecrets(logs.text(), [apiKey, password]);
 */
export function expectNoSecrets(text: string, secrets: readonly string[]): void {
  assertNoLeaks(
    text,
    secrets.map((value, index) => ({ label: `secret #${index + 1}`, value })),
    'Text',
  );
}
