// Koa 2 is installed as `koa2` (npm:koa@^2) and ships no types; its API matches Koa 3's for these tests.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
