package org.pciguard.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.conformance.Functions.capabilities;
import static org.pciguard.conformance.Functions.shows;
import static org.pciguard.testing.Shipped.fresh;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pciguard.api.capability.Capability;
import org.pciguard.api.regs.PciRegs.Ats;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Sriov;
import org.pciguard.api.virt.DeviceOptions;
import org.pciguard.api.virt.VirtualDevice;
import org.pciguard.backend.sim.DeviceImage;
import org.pciguard.backend.sim.SimulatedDevice;
import org.pciguard.core.CoreRuntime;
import org.pciguard.testing.ConfigBytes;
import org.pciguard.testing.Shipped;

/**
 * The extended capabilities vfio-pci exposes read-only (reference 2.14) have no handler: the core
 * shows them with its read-only fallback, the header dword virtual with the relinked next pointer.
 * On every shipped function that carries one, the guest finds it in its chain and no write of any
 * width at any offset reaches the device or changes what the guest reads. SR-IOV VF Enable and ATS
 * Enable are checked by name, permissive devices included. The capabilities the reference hides
 * (2.15) are not in the guest's chain.
 */
class ExtendedReadOnlyConformanceTest {

    /** Reference 2.14: shown read-only. */
    private static final Set<Integer> READ_ONLY = Set.of(ExtCapId.VC, ExtCapId.VC9, ExtCapId.MFVC, ExtCapId.DSN,
            ExtCapId.ACS, ExtCapId.ARI, ExtCapId.ATS, ExtCapId.SRIOV, ExtCapId.MCAST, ExtCapId.PRI, ExtCapId.REBAR,
            ExtCapId.DPA, ExtCapId.TPH, ExtCapId.LTR);
    /** Shown with a handler (AER, Power Budgeting) or raw for the vendor's driver (reference 2.14, last paragraph). */
    private static final Set<Integer> SHOWN_OTHERWISE = Set.of(ExtCapId.ERR, ExtCapId.PWR, ExtCapId.VNDR, ExtCapId.DVSEC);
    /** The listed capabilities the shipped type-0 dumps carry (no shipped type-0 function has MCAST, DPA, VC9, MFVC). */
    private static final Set<Integer> SHIPPED = Set.of(ExtCapId.VC, ExtCapId.DSN, ExtCapId.ACS, ExtCapId.ARI,
            ExtCapId.ATS, ExtCapId.SRIOV, ExtCapId.PRI, ExtCapId.REBAR, ExtCapId.TPH, ExtCapId.LTR);
    private static final DeviceOptions PERMISSIVE = new DeviceOptions(true, Set.of(), Set.of());

    private final CoreRuntime runtime = Functions.runtime();

    @AfterEach
    void close() {
        runtime.close();
    }

    /** Every extended capability of a shipped type-0 function whose id matches. */
    private static Stream<Arguments> extended(Predicate<Integer> ids) {
        return Shipped.type0().flatMap(image -> capabilities(image).extended().stream()
                .filter(c -> ids.test(c.id())).map(c -> Arguments.of(image, c)));
    }

    static Stream<Arguments> readOnly() {
        return extended(READ_ONLY::contains);
    }

    static Stream<Arguments> hidden() {
        return extended(id -> !READ_ONLY.contains(id) && !SHOWN_OTHERWISE.contains(id));
    }

    static Stream<Arguments> sriov() {
        return extended(id -> id == ExtCapId.SRIOV);
    }

    static Stream<Arguments> ats() {
        return extended(id -> id == ExtCapId.ATS);
    }

    @Test
    void theShippedFunctionsCarryEveryListedCapabilityTheyCan() {
        Set<Integer> carried = new TreeSet<>();
        readOnly().forEach(a -> carried.add(((Capability) a.get()[1]).id()));
        assertEquals(new TreeSet<>(SHIPPED), carried);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("readOnly")
    void theGuestFindsItAndEveryWriteIsDropped(DeviceImage image, Capability cap) {
        assertTrue(shows(runtime, image, cap), "in the guest's chain");
        CapabilityFlip.everyWrite(runtime, image, cap, CapabilityReference.readOnlyExtended(cap.length()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hidden")
    void theCapabilitiesTheReferenceHidesAreNotInTheGuestsChain(DeviceImage image, Capability cap) {
        assertFalse(shows(runtime, image, cap));
    }

    /** The function with a 16-bit control register of a capability cleared, as before its driver set it. */
    private static DeviceImage cleared(DeviceImage image, int register) {
        byte[] config = image.config();
        ConfigBytes.put(config, register, 2, 0);
        return Functions.with(image, "with " + ConfigBytes.hex(register) + " cleared", config);
    }

    /**
     * VF Enable (and the rest of SR-IOV Control, NumVFs) never reaches the device, permissive or not;
     * on a function whose host left VFs disabled (some dumps show them enabled by the host).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sriov")
    void vfEnableCanNeverBeSet(DeviceImage plain, Capability cap) {
        int control = cap.offset() + Sriov.CTRL;
        int numVfs = cap.offset() + Sriov.NUM_VF;
        DeviceImage image = cleared(plain, control);
        for (DeviceOptions options : List.of(DeviceOptions.DEFAULT, PERMISSIVE)) {
            SimulatedDevice device = fresh(image);
            int hostNumVfs = device.readConfig(numVfs, 2);
            VirtualDevice guest = runtime.open(device, options);
            try {
                guest.write(numVfs, 2, hostNumVfs + 1);
                guest.write(control, 2, Sriov.CTRL_VFE | Sriov.CTRL_MSE);
                guest.write(control, 4, -1);
                assertEquals(0, device.readConfig(control, 2), options + ": SR-IOV Control");
                assertEquals(0, guest.read(control, 2), options + ": VF Enable reads clear");
                assertEquals(hostNumVfs, device.readConfig(numVfs, 2), options + ": NumVFs");
            } finally {
                guest.close();
            }
        }
    }

    /** ATS Enable never reaches the device, permissive or not: the guest cannot enable ATS (reference 2.14). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ats")
    void atsEnableCanNeverBeSet(DeviceImage plain, Capability cap) {
        int control = cap.offset() + Ats.CTRL;
        DeviceImage image = cleared(plain, control);
        for (DeviceOptions options : List.of(DeviceOptions.DEFAULT, PERMISSIVE)) {
            SimulatedDevice device = fresh(image);
            VirtualDevice guest = runtime.open(device, options);
            try {
                guest.write(control, 2, Ats.CTRL_ENABLE | Ats.CTRL_STU);
                assertEquals(0, device.readConfig(control, 2), options + ": ATS Control");
                assertEquals(0, guest.read(control, 2), options + ": ATS Enable reads clear");
            } finally {
                guest.close();
            }
        }
    }
}
