import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS as BLESSED_METHODS } from '../../blessed/endpoint/index.js';
import { HTTP_METHODS } from '../../generators/endpoint/schema.js';
import { jsonLiteral, stringLiteral } from '../../generators/toolkit/helpers.js';
import { nameForms, nameProblem } from '../../generators/toolkit/names.js';
import { routePathProblem, routesOverlap } from '../../generators/toolkit/routes.js';

const DEFINE_PATH = /^(?:\/(?:[a-z0-9]+(?:-[a-z0-9]+)*|:[a-z][A-Za-z0-9]*))+$|^\/$/;

describe('generator toolkit', () => {
  it('offers exactly the methods defineEndpoint accepts', () => {
    expect([...HTTP_METHODS]).toEqual([...BLESSED_METHODS]);
  });

  it('derives the case forms of a name', () => {
    expect(nameForms('createOrder')).toEqual({ camel: 'createOrder', pascal: 'CreateOrder', kebab: 'create-order', words: 'create order' });
    expect(nameForms('create_order_v2')).toMatchObject({ camel: 'createOrderV2', kebab: 'create-order-v2' });
    expect(nameForms('HTTPStatus')).toMatchObject({ camel: 'httpStatus', kebab: 'http-status' });
  });

  it('turns any text into a string literal that evaluates back to the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        for (const literal of [stringLiteral(text), jsonLiteral(text)]) {
          // golden-path-ignore dynamic-code -- evaluates the generated literal to prove it is valid JavaScript
          expect(new Function(`return ${literal};`)()).toBe(text);
          expect(literal).not.toMatch(/[\n\r]/);
        }
      }),
    );
  });

  it('accepts only route paths defineEndpoint also accepts', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z0-9:/\-A-Z.%*?]{0,30}$/), (path) => {
        if (routePathProblem(path) === undefined) expect(path).toMatch(DEFINE_PATH);
      }),
    );
  });

  it('accepts only names whose forms are plain identifiers and file names', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z_-][A-Za-z0-9_-]{0,20}$/), (name) => {
        if (nameProblem(name) !== undefined) return;
        const forms = nameForms(name);
        expect(forms.camel).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(forms.kebab).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
      }),
    );
  });

  it('finds routes that overlap whatever the parameter names', () => {
    expect(routesOverlap('/orders/:id', '/orders/:orderId')).toBe(true);
    expect(routesOverlap('/orders/:id', '/orders/export')).toBe(true);
    expect(routesOverlap('/:a/export', '/orders/export')).toBe(true);
    expect(routesOverlap('/orders/:id', '/orders/:id/items')).toBe(false);
    expect(routesOverlap('/orders', '/invoices')).toBe(false);
  });
});
