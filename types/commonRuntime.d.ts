/**
 * Host globals the pure common folders (main/common, workers/common) may use:
 * only what both of their runtimes provide, the browser and node ≥ 17.
 * tsconfig.common.json type-checks them against ES2022 plus this file alone, so
 * a DOM or node API (document, Buffer, process…) there is a type error.
 */

/** HTML's structured clone (node ≥ 17 has it too): a deep copy of plain data. */
declare function structuredClone<T>(value: T): T;
