package org.pciguard.security;

import org.pciguard.cap.header.HeaderHandler;
import org.pciguard.core.CoreRuntime;

/** Every capability handler bundle of the build, registered as the OSGi framework would. */
final class Handlers {

    private Handlers() {
    }

    /** Registers every handler this module depends on, at ranking 0. */
    static void registerAll(CoreRuntime rt) {
        rt.addHandler(new HeaderHandler(), Fixtures.headerProperties(0));
    }
}
