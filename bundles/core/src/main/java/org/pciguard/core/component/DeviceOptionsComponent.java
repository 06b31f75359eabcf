package org.pciguard.core.component;

import java.util.LinkedHashSet;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.capability.CapabilityKey;
import org.pciguard.api.virt.DeviceOptions;

/** One device's options from one factory configuration {@value ConfiguredDevice#FACTORY_PID}. */
@Component(configurationPid = ConfiguredDevice.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = ConfiguredDevice.class)
@Designate(ocd = DeviceConfiguration.class, factory = true)
public final class DeviceOptionsComponent implements ConfiguredDevice {

    private final PciAddress address;
    private final DeviceOptions options;

    /**
     * @throws IllegalArgumentException naming the property when the address or a capability id is malformed
     */
    @Activate
    public DeviceOptionsComponent(DeviceConfiguration config) {
        try {
            this.address = PciAddress.parse(config.address());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(FACTORY_PID + ": property 'address': " + e.getMessage(), e);
        }
        this.options = new DeviceOptions(config.permissive(), keys("hide", config.hide()), keys("expose", config.expose()));
    }

    private Set<CapabilityKey> keys(String property, String[] values) {
        Set<CapabilityKey> keys = new LinkedHashSet<>();
        for (String v : values) {
            if (v == null || v.isBlank()) {
                continue;
            }
            try {
                keys.add(CapabilityKey.parse(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(FACTORY_PID + " " + address + ": property '" + property + "': "
                        + e.getMessage(), e);
            }
        }
        return keys;
    }

    @Override
    public PciAddress address() {
        return address;
    }

    @Override
    public DeviceOptions options() {
        return options;
    }
}
