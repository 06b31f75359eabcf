/**
 * The capability walker implementation: {@link org.pciguard.walker.DefaultCapabilityWalker}, a DS
 * component providing {@link org.pciguard.api.capability.CapabilityWalker}, and the per-capability
 * knowledge it uses (names, lengths, what the default policy hides). Private to the bundle: other
 * bundles use the service; plain Java users (tests, the command line) construct the walker directly.
 */
package org.pciguard.walker;
