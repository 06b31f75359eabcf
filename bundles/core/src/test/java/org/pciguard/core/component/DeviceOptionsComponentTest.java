package org.pciguard.core.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.CapabilityKey;
import org.pciguard.api.capability.CapabilitySpace;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.ExtCapId;

/** The device configuration component parses its properties and names the bad one. */
class DeviceOptionsComponentTest {

    static DeviceConfiguration config(String address, boolean permissive, String[] hide, String[] expose) {
        return new DeviceConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DeviceConfiguration.class;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public boolean permissive() {
                return permissive;
            }

            @Override
            public String[] hide() {
                return hide;
            }

            @Override
            public String[] expose() {
                return expose;
            }
        };
    }

    @Test
    void optionsComeFromTheProperties() {
        DeviceOptionsComponent c = new DeviceOptionsComponent(config("0000:03:00.0", true,
                new String[] { "0x05", "ext:0x0001", " " }, new String[] { "4" }));
        assertEquals(PciAddress.parse("0000:03:00.0"), c.address());
        assertTrue(c.options().permissive());
        assertEquals(Set.of(new CapabilityKey(CapabilitySpace.STANDARD, CapId.MSI),
                new CapabilityKey(CapabilitySpace.EXTENDED, ExtCapId.ERR)), c.options().hide());
        assertEquals(Set.of(new CapabilityKey(CapabilitySpace.STANDARD, CapId.SLOTID)), c.options().expose());
    }

    @Test
    void badAddressIsRejectedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeviceOptionsComponent(config("03:00", false, new String[0], new String[0])));
        assertTrue(e.getMessage().contains("org.pciguard.device") && e.getMessage().contains("'address'"), e.getMessage());
    }

    @Test
    void badCapabilityIsRejectedNamingThePropertyAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DeviceOptionsComponent(config("0000:03:00.0", false, new String[0], new String[] { "msi" })));
        assertTrue(e.getMessage().contains("'expose'") && e.getMessage().contains("msi")
                && e.getMessage().contains("0000:03:00.0"), e.getMessage());
    }
}
