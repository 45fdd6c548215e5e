// chai with chai-as-promised installed, shared by this package's tests.
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';

use(chaiAsPromised);

export { expect };
