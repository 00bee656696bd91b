/**
 * Identifier rules for generator answers. A name becomes a file name (kebab-case), an exported
 * binding (camelCase) and a type or test title (PascalCase), so every derived form is checked:
 * `Delete` is harmless until it turns into `delete`.
 */

export interface NameForms {
  readonly camel: string;
  readonly pascal: string;
  readonly kebab: string;
  /** Lowercase words with spaces, for test titles and comments. */
  readonly words: string;
}

export const MAX_NAME_LENGTH = 48;

const SHAPE = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;

// Reserved words, strict-mode words and TypeScript's contextual keywords: as a binding they are
// a syntax error or a trap for readers, so none of them is offered as a name.
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await arguments eval undefined nan ' +
    'infinity abstract accessor any as asserts async bigint boolean constructor declare get global infer is keyof ' +
    'module namespace never number object of out override readonly require satisfies set string symbol type unique ' +
    'unknown using from'
  ).split(' '),
);

// Keys that reach Object.prototype or change an object's prototype when used as a property.
const PROTOTYPE = new Set(
  '__proto__ prototype constructor hasownproperty isprototypeof propertyisenumerable tolocalestring tostring valueof __definegetter__ __definesetter__ __lookupgetter__ __lookupsetter__ proto'.split(
    ' ',
  ),
);

// Every binding a template declares or imports (lower-cased); a name equal to one would collide.
// test/generators/bindings.test.ts parses each generated file and fails when one is missing here.
const GENERATED_BINDINGS = new Set(
  (
    'z field defineendpoint notfounderror randomuuid endpoints endpoint createkit expectproblem describe it expect beforeall afterall kit index ' +
    'testkit call id target validbody planted oversized permission reason req res token kind raw key ' +
    'change columns database input insertable patch page read row seed tenantcaller tenantdb updatable valid write after bearer ' +
    'before body create createlogger created database db definetable deleted expecttenantisolation first got item limit list ' +
    'openservicedatabase other owner params patched query rest second seeded updated url ' +
    'addressinfo configerror httpclientoptions httperror incomingmessage logger server serverresponse answer baseurl beforeeach ' +
    'calls client config createhttpclient createlogcapture createserver data deadlinems e env err event expectnosecrets failure ' +
    'hits http issue json logs parsed randombytes resolve signal started transport value'
  ).split(' '),
);

// Device names that Windows refuses as file names, with or without an extension.
const DEVICE = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$|clock\$)$/;

/** Splits `createOrder`, `create-order`, `create_order` and `HTTPServer` into lowercase words. */
export function words(input: string): string[] {
  return input
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The case forms of an already valid name. */
export function nameForms(input: string): NameForms {
  const parts = words(input);
  const [first = '', ...rest] = parts;
  return {
    camel: first + rest.map(capitalise).join(''),
    pascal: parts.map(capitalise).join(''),
    kebab: parts.join('-'),
    words: parts.join(' '),
  };
}

/**
 * Why `input` is not acceptable as a generated name, or undefined when it is. The message is a
 * rule, never an echo of the input.
 */
export function nameProblem(input: string): string | undefined {
  if (input.startsWith('-')) return 'must not start with a dash';
  if (input.length === 0) return 'must not be empty';
  if (input.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (!SHAPE.test(input)) {
    return 'must be an ASCII identifier: a letter, then letters and digits, words joined by camelCase, - or _';
  }
  const forms = nameForms(input);
  if (!/^[a-z]/.test(forms.kebab)) return 'must start with a letter in every case form';
  const lowered = [forms.camel, forms.pascal, forms.kebab].map((form) => form.toLowerCase());
  for (const form of [forms.camel, forms.kebab, ...lowered]) {
    if (RESERVED.has(form)) return 'must not be a JavaScript or TypeScript reserved word in any case form';
    if (PROTOTYPE.has(form)) return 'must not be a prototype-sensitive name such as constructor or __proto__';
    if (DEVICE.test(form)) return 'must not be a reserved file name such as con, nul or com1';
  }
  if (lowered.some((form) => GENERATED_BINDINGS.has(form))) {
    return 'must not equal a name the generated code already uses (z, field, endpoints, index, ...)';
  }
  return undefined;
}

/** True for words that must not become a binding or an object key in generated code. */
export function isReservedOrPrototypeKey(word: string): boolean {
  const lowered = word.toLowerCase();
  return RESERVED.has(word) || RESERVED.has(lowered) || PROTOTYPE.has(lowered);
}
