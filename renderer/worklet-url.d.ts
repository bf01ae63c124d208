/** Vite bundles the module on its own and answers its URL (used for audio worklets). */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
