package org.pciguard.shell;

import java.util.function.Supplier;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;

/**
 * The DEVICE of a command line: a device file or the name of a device of the simulated backend, both
 * loaded afresh for each command as the command line does ({@code live} false), or the address of a
 * backend's function, whose state persists between commands ({@code live} true).
 *
 * @param address     the function's address
 * @param description the lspci header text, or the backend's description
 * @param config      the configuration bytes (of the file, or read from the function)
 * @param live        true for a backend's function
 * @param opener      opens the function: a new simulated function for a file, the backend's for an address
 */
record Target(PciAddress address, String description, byte[] config, boolean live, Supplier<PhysicalDevice> opener) {

    /** Opens the function; the caller closes it. */
    PhysicalDevice open() {
        return opener.get();
    }
}
