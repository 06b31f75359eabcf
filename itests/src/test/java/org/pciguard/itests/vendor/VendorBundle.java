package org.pciguard.itests.vendor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds the vendor handler bundle at test time: a jar with {@link VendorActivator} and
 * {@link VendorPmHandler}, copied from the test classes, and a manifest importing the pciguard API.
 */
public final class VendorBundle {

    /** The vendor bundle's symbolic name. */
    public static final String BSN = "org.pciguard.itests.vendor";

    private VendorBundle() {
    }

    /** Writes the bundle into a new temporary file and returns it. */
    public static Path build() throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", BSN);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", VendorActivator.class.getName());
        a.putValue("Import-Package", "org.osgi.framework,org.pciguard.api.capability,org.pciguard.api.handler,"
                + "org.pciguard.api.regs");
        Path jar = Files.createTempFile("pciguard-vendor-handler", ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, m)) {
            for (Class<?> c : new Class<?>[] {VendorActivator.class, VendorPmHandler.class}) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
