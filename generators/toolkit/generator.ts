import type { NodePlopAPI } from 'node-plop';
import type { z } from 'zod';

/**
 * A generator as the CLI sees it: node-plop's description and actions, plus the one answers
 * schema that the flags, the prompts, `--help` and validation all come from.
 */
export interface GeneratorConfig<A> {
  readonly description: string;
  /** The per-field schema (a strict object whose fields carry `.meta()`). */
  readonly fields: z.ZodObject;
  /** The complete answers schema, rules spanning fields included. */
  readonly answers: z.ZodType<A>;
  /** Extra text for `--help`. */
  readonly notes: string;
  readonly actions: (data: Record<string, unknown>) => object[];
}

export function isGeneratorConfig(value: unknown): value is GeneratorConfig<unknown> {
  const candidate = value as Partial<GeneratorConfig<unknown>> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.actions === 'function' && candidate.fields !== undefined;
}

/** A registered generator with the answers schema it was declared with. */
export function generatorConfig(plop: NodePlopAPI, name: string): GeneratorConfig<unknown> | undefined {
  const listed = plop.getGeneratorList().some((g) => g.name === name);
  if (!listed) return undefined;
  const generator: unknown = plop.getGenerator(name);
  return isGeneratorConfig(generator) ? generator : undefined;
}
