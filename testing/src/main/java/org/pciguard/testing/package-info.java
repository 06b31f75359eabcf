/**
 * Test support shared by the modules' tests: a plain jar used at test scope, never deployed. It
 * depends on api and backend-sim only, so their own tests cannot use it; every other module can.
 */
package org.pciguard.testing;
