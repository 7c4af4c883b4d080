declare module '@vercel/ncc' {
  interface NccOptions {
    cache?: string | false;
    minify?: boolean;
    sourceMap?: boolean;
    quiet?: boolean;
    transpileOnly?: boolean;
    target?: string;
    license?: string;
    externals?: string[];
  }
  export default function ncc(entry: string, options?: NccOptions): Promise<unknown>;
}
