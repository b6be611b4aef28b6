export declare const BUILD_INPUTS: readonly string[];
export declare const KEY_FILE: string;
export declare function sourcesKey(root: string): Promise<string>;
