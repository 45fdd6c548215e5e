// Prelude "mocha-chai" for documentation code blocks (see test/docs/codeBlocks.test.ts): a test file's chai
// assertion (mocha's describe and it are global).
import { expect } from 'chai';

export {};
