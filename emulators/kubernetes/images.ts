/** Which image references cannot be pulled or crash when started. */
export class Images {
  readonly #missing: Set<string>;
  readonly #crashing: Set<string>;

  constructor(missing: string[] = [], crashing: string[] = []) {
    this.#missing = new Set(missing);
    this.#crashing = new Set(crashing);
  }

  setMissing(image: string, missing: boolean): void {
    if (missing) this.#missing.add(image);
    else this.#missing.delete(image);
  }

  setCrashing(image: string, crashing: boolean): void {
    if (crashing) this.#crashing.add(image);
    else this.#crashing.delete(image);
  }

  isMissing(image: string): boolean {
    return this.#missing.has(image);
  }

  isCrashing(image: string): boolean {
    return this.#crashing.has(image);
  }
}
