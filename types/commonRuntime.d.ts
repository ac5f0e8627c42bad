/**
 * Host globals the pure common folders (main/common, workers/common) may use:
 * only what both of their runtimes provide, the browser and node ≥ 17.
 * tsconfig.common.json type-checks them against ES2022 plus this file alone, so
 * a DOM or node API (document, Buffer, process…) there is a type error.
 */

/** HTML's structured clone (node ≥ 17 has it too): a deep copy of plain data. */
declare function structuredClone<T>(value: T): T;

/**
 * WHATWG Encoding's TextDecoder (node ≥ 11 and every browser): the sequence
 * data decodes an uploaded text file's bytes with `fatal: true`, so a bad
 * encoding throws instead of turning into U+FFFD. Only the part used is typed.
 */
interface TextDecoderOptions { fatal?: boolean; ignoreBOM?: boolean }
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: Uint8Array): string;
}
declare const TextDecoder: { prototype: TextDecoder; new (label?: string, options?: TextDecoderOptions): TextDecoder };
