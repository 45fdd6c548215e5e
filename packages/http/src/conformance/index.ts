// `@deadbolt/http/conformance`: the behavioural suite every request-lock adapter runs (mocha + chai, real Redis).
export { describeRequestLock } from './describeRequestLock.js';
export type { SuiteBackend } from './SuiteContext.js';
export { describeBankExample, type Accounts, type BankUnderTest } from './describeBankExample.js';
export {
  itemKey,
  modeOptions,
  type AppSpec,
  type Harness,
  type HandlerCall,
  type HandlerReply,
  type KeyInput,
} from './Harness.js';
export { get, send, type Answer, type PendingRequest } from './http.js';
export { listen, type Listening } from './listen.js';
export { deferred, type Deferred } from './deferred.js';
