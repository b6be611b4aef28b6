declare const brand: unique symbol;
/** A primitive that only a parser may produce, so unchecked strings cannot pass for it. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };
