/**
 * Every vendor connector end to end through the official SDK, shard 1 of 3: the suite is in
 * test/support/e2e-sdk.ts.
 */
import { vendorSuite } from '../support/e2e-sdk.ts';

vendorSuite(0, 3);
