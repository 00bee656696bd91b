import type { Comment, Program } from 'oxc-parser';
import type { CheckConfig } from './config.js';
import type { AnyNode } from './rules/_ast.js';

/** One step off the golden path, as every output format reports it. */
export interface Violation {
  readonly ruleId: string;
  /** Project-relative, `/`-separated. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units like editors count. */
  readonly column: number;
  readonly message: string;
}

export interface RuleMeta {
  /** Stable id, used in suppressions, `--list` and SARIF. */
  readonly id: string;
  /** One line: what the rule refuses. */
  readonly doc: string;
  /** One line: the golden-path way to do it instead. */
  readonly fix: string;
}

/** A parsed TypeScript or JavaScript file. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly program: Program;
  readonly comments: readonly Comment[];
  /** True for `*.test.ts` and files under `test/`. */
  readonly isTest: boolean;
  /** 1-based line and column of a UTF-16 offset. */
  position(offset: number): { line: number; column: number };
}

export type Report = (node: { readonly start: number }, message: string) => void;

/** A rule that looks at one source file's syntax tree. */
export interface SourceRule extends RuleMeta {
  readonly kind: 'source';
  /** Whether the rule runs on this file at all (by folder, test or not). */
  applies(file: SourceFile): boolean;
  /**
   * Text every file the rule can report in contains (the names it looks for); a file without it
   * is not walked for this rule, and a file no rule walks is never turned into a syntax tree.
   * Must match every spelling the rule catches, escapes included.
   */
  readonly mentions?: RegExp;
  /** Handlers by ESTree node type; the engine merges every rule's handlers into one walk. */
  visitor(file: SourceFile, report: Report, config: CheckConfig): Handlers;
}

export type Handlers = Readonly<Record<string, (node: AnyNode) => void>>;

/** What the project-wide rules read: the root, the config, and the files the walk found. */
export interface ProjectContext {
  readonly root: string;
  readonly config: CheckConfig;
  /** Every project file the walk found, project-relative. */
  readonly files: readonly string[];
  /** Every file of the project, even when only some paths are checked. */
  readonly allFiles: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  read(path: string): Promise<string | null>;
  /** What openapi.json should contain; absent when the inventory is not checked. */
  readonly renderInventory?: () => Promise<string>;
}

/** A rule that looks at the project as a whole (lockfile, blessed checksums, the inventory). */
export interface ProjectRule extends RuleMeta {
  readonly kind: 'project';
  /** `files` rules look at the checked files only; `project` rules run when the whole project is checked. */
  readonly scope: 'files' | 'project';
  check(context: ProjectContext): Promise<readonly Violation[]>;
}

export type Rule = SourceRule | ProjectRule;
