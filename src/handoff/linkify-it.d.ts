// linkify-it 5 ships no types (and @types/linkify-it is not installed): the part tmail uses.
declare module 'linkify-it' {
  interface Match {
    schema: string;
    index: number;
    lastIndex: number;
    raw: string;
    text: string;
    url: string;
  }
  interface Options {
    fuzzyLink?: boolean;
    fuzzyEmail?: boolean;
    fuzzyIP?: boolean;
  }
  class LinkifyIt {
    constructor(schemas?: Record<string, unknown>, options?: Options);
    match(text: string): Match[] | null;
  }
  export default LinkifyIt;
}
