import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CustomActionConfig, NodePlopAPI } from 'node-plop';
import type { AstEdits } from './ast.js';
import type { DocumentedEndpoint } from '../inventory/openapi.js';
import type { ChangeSet } from './change-set.js';

const PLAN = Symbol('golden-path.plan');

/** What a generator run hands to its actions: the answers plus the in-memory plan. */
export interface RunData {
  readonly [PLAN]: { readonly plan: ChangeSet; readonly templates: string; readonly edits: AstEdits; failure?: unknown };
  readonly [key: string]: unknown;
}

export function runData(answers: object, plan: ChangeSet, templates: string, edits: AstEdits): RunData {
  return { ...answers, [PLAN]: { plan, templates, edits } };
}

/** The error a failed action threw: node-plop keeps only its message, the CLI needs its code. */
export function runFailure(data: RunData): unknown {
  return data[PLAN].failure;
}

type Step = (config: CustomActionConfig<string>, plop: NodePlopAPI, state: RunData[typeof PLAN]) => Promise<string>;

function planAction(step: Step) {
  return async function planStep(data: Record<string, unknown>, config: CustomActionConfig<string>, plop: NodePlopAPI): Promise<string> {
    const state = (data as unknown as RunData)[PLAN];
    try {
      return await step(config, plop, state);
    } catch (err) {
      state.failure ??= err;
      throw err;
    }
  };
}

async function render(
  config: CustomActionConfig<string>,
  plop: NodePlopAPI,
  state: RunData[typeof PLAN],
): Promise<{ path: string; text: string; view: unknown }> {
  // `view` may be a function and `locate` may replace `path`, for what only the project can tell
  // (the next migration number) or an earlier step decided.
  const given: unknown = config['view'];
  const view: unknown = typeof given === 'function' ? (given as () => unknown)() : given;
  const locate = config['locate'] as ((plan: ChangeSet) => Promise<string>) | undefined;
  const path = locate === undefined ? plop.renderString(String(config.path), view) : await locate(state.plan);
  const template = await readFile(join(state.templates, String(config['templateFile'])), 'utf8');
  return { path, text: plop.renderString(template, view), view };
}

/**
 * Action types that render into the plan instead of onto the disk:
 * - `plan:create` `{ path, templateFile, view }`: a new file (existing content needs --force);
 *   `locate(plan)` may stand in for `path`, and `view` may be a function called at render time;
 *   `documents(view)` may name the endpoints the rendered file defines, for the inventory;
 * - `plan:ensure` `{ path, templateFile, view }`: a file created only when missing;
 * - `plan:edit` `{ path, edit(before, astEdits) }`: a change to an existing or planned file;
 * - `plan:render-edit` `{ path, templateFile, view, edit(before, rendered) }`: an edit that inserts rendered code;
 * - `plan:check` `{ check(plan) }`: a rule that needs the project, before anything is planned.
 *
 * @example
 * registerPlanActions(plop);
 * plop.setGenerator('thing', { actions: () => [{ type: 'plan:create', path: 'src/{{{kebab}}}.ts', templateFile: 'thing/thing.ts.hbs', view }] });
 */
export function registerPlanActions(plop: NodePlopAPI): void {
  plop.setActionType(
    'plan:create',
    planAction(async (config, api, state) => {
      const { plan } = state;
      const { path, text, view } = await render(config, api, state);
      const change = await plan.create(path, text);
      const documents = config['documents'] as ((view: unknown) => readonly DocumentedEndpoint[] | undefined) | undefined;
      const endpoints = change.kind === 'create' ? documents?.(view) : undefined;
      if (endpoints !== undefined) plan.document(path, endpoints);
      return change.path;
    }),
  );
  plop.setActionType(
    'plan:ensure',
    planAction(async (config, api, state) => {
      const { plan } = state;
      const { path, text } = await render(config, api, state);
      return (await plan.ensure(path, text)).path;
    }),
  );
  plop.setActionType(
    'plan:edit',
    planAction(async (config, _api, { plan, edits }) => {
      const edit = config['edit'] as (before: string, edits: AstEdits) => string | Promise<string>;
      return (await plan.edit(String(config.path), (before) => edit(before, edits))).path;
    }),
  );
  plop.setActionType(
    'plan:render-edit',
    planAction(async (config, api, state) => {
      const { plan } = state;
      const { path, text } = await render(config, api, state);
      const edit = config['edit'] as (before: string, rendered: string) => string | Promise<string>;
      return (await plan.edit(path, (before) => edit(before, text))).path;
    }),
  );
  plop.setActionType(
    'plan:check',
    planAction(async (config, _api, { plan }) => {
      await (config['check'] as (plan: ChangeSet) => Promise<void>)(plan);
      return 'checked';
    }),
  );
}
