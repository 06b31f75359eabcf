/**
 * The interrupt routing manager: {@link org.pciguard.irq.InterruptRouterImpl}, a DS component
 * providing {@link org.pciguard.api.irq.InterruptRouter}, and the per-device routes it keeps. Private
 * to the bundle: other bundles use the service; plain Java users (tests, the command line, benchmarks)
 * construct the router directly.
 */
package org.pciguard.irq;
