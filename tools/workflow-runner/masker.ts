/** Secret masking: every registered value is replaced with `***` in log text. */
export class Masker {
  private readonly values = new Set<string>();

  add(value: string): void {
    for (const candidate of [value, ...value.split(/\r?\n/)]) {
      if (candidate.trim() !== '') this.values.add(candidate);
    }
  }

  mask(text: string): string {
    let result = text;
    const longestFirst = [...this.values].sort((a, b) => b.length - a.length);
    for (const value of longestFirst) result = result.split(value).join('***');
    return result;
  }
}
