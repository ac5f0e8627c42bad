/**
 * Restores the util.is* helpers Node 23 removed, so that tfjs-node 4.22 and
 * tfjs-node-gpu 4.22 load on the Node that Electron 40+ embeds (Node 24).
 *
 * Why: tfjs-node 4.22 calls `util.isNullOrUndefined` (and `util.isArray`)
 * from Node's util module; Node 23 removed the deprecated util.is* helpers,
 * so every native op that reaches those calls throws "isNullOrUndefined is
 * not a function" (tensorflow/tfjs#8609: fixed upstream, never released).
 * Found by `npm pack @tensorflow/tfjs-node@4.22.0` (and -gpu) and grepping
 * dist/ for `util_1.is`:
 *   dist/nodejs_kernel_backend.js  util_1.isNullOrUndefined ×8, util_1.isArray ×2
 *   dist/kernels/TopK.js           util_1.isNullOrUndefined ×2
 * (dist/saved_model.js and dist/io/file_system.js use only util.promisify.)
 * tfjs-node calls them as `(0, util_1.isNullOrUndefined)(x)`, a property read
 * on the one util module object at call time, so adding them to that object
 * is enough. We restore every helper Node removed, not only those two, so a
 * patch release of tfjs-node that calls another one still loads.
 *
 * Semantics are Node 20's lib/util.js, copied: isObject(null) is false,
 * isPrimitive(Symbol()) is true, isError accepts an Error from another realm
 * (Object.prototype.toString says "[object Error]"), isDate and isRegExp are
 * util.types' checks, isArray is Array.isArray. A helper already present is
 * never replaced (on Node 20 and 22 this installs nothing).
 */
import util from 'node:util';

type UtilHelper = (value: unknown) => boolean;

/** Node 20's definitions (lib/util.js), in its order. */
export const removedUtilHelpers: Readonly<Record<string, UtilHelper>> = {
  isArray: (value) => Array.isArray(value),
  isBoolean: (value) => typeof value === 'boolean',
  isBuffer: (value) => value instanceof Buffer,
  isDate: (value) => util.types.isDate(value),
  isError: (value) => Object.prototype.toString.call(value) === '[object Error]' || value instanceof Error,
  isFunction: (value) => typeof value === 'function',
  isNull: (value) => value === null,
  isNullOrUndefined: (value) => value === null || value === undefined,
  isNumber: (value) => typeof value === 'number',
  isObject: (value) => value !== null && typeof value === 'object',
  isPrimitive: (value) => value === null || (typeof value !== 'object' && typeof value !== 'function'),
  isRegExp: (value) => util.types.isRegExp(value),
  isString: (value) => typeof value === 'string',
  isSymbol: (value) => typeof value === 'symbol',
  isUndefined: (value) => value === undefined,
};

/**
 * Adds to `target` (Node's util module unless a test passes another object)
 * each helper of `removedUtilHelpers` it lacks, as a plain writable property
 * like Node 20's. Returns the names added, for the host's log.
 */
export function restoreRemovedUtilHelpers(target: object = util): string[] {
  const added: string[] = [];
  for (const [name, helper] of Object.entries(removedUtilHelpers)) {
    if (typeof Reflect.get(target, name) === 'function') continue;
    Object.defineProperty(target, name, { value: helper, writable: true, enumerable: true, configurable: true });
    added.push(name);
  }
  return added;
}
