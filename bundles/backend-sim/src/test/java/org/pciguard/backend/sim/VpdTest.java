package org.pciguard.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pciguard.backend.sim.TestDevices.VPD;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs.Vpd;

/** The VPD address/data/F-flag handshake over the synthetic VPD image. */
class VpdTest {

    /** Reads four VPD bytes the way a driver does: address with F=0, wait for F=1, read data. */
    static int read(SimulatedDevice d, int addr) {
        d.writeConfig(VPD + Vpd.ADDR, 2, addr);
        assertEquals(Vpd.ADDR_F, d.readConfig(VPD + Vpd.ADDR, 2) & Vpd.ADDR_F, "F set when the data is there");
        return d.readConfig(VPD + Vpd.DATA, 4);
    }

    /** Writes four VPD bytes: data, then address with F=1, wait for F=0. */
    static void write(SimulatedDevice d, int addr, int value) {
        d.writeConfig(VPD + Vpd.DATA, 4, value);
        d.writeConfig(VPD + Vpd.ADDR, 2, addr | Vpd.ADDR_F);
        assertEquals(0, d.readConfig(VPD + Vpd.ADDR, 2) & Vpd.ADDR_F, "F cleared when stored");
    }

    private static byte[] readAll(SimulatedDevice d, int size) {
        byte[] b = new byte[size];
        for (int a = 0; a < size; a += 4) {
            TestDevices.put(b, a, 4, read(d, a));
        }
        return b;
    }

    @Test
    void syntheticImageIsWellFormed() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        byte[] v = readAll(d, SimulatedBackend.DEFAULT_VPD_SIZE);
        assertEquals(Vpd.LRDT_ID_STRING, v[0] & 0xff);
        int idLength = (v[1] & 0xff) | (v[2] & 0xff) << 8;
        assertEquals("Ethernet controller: Test Corp Synthetic NIC", new String(v, 3, idLength, StandardCharsets.US_ASCII));
        int p = 3 + idLength;
        assertEquals(Vpd.LRDT_RO_DATA, v[p] & 0xff);
        int roLength = (v[p + 1] & 0xff) | (v[p + 2] & 0xff) << 8;
        int end = p + 3 + roLength;
        List<String> keywords = new ArrayList<>();
        int checksumAt = -1;
        for (int k = p + 3; k < end;) {
            String name = new String(v, k, 2, StandardCharsets.US_ASCII);
            int len = v[k + 2] & 0xff;
            keywords.add(name + "=" + (name.equals(Vpd.KEYWORD_CHKSUM) ? "" : new String(v, k + 3, len, StandardCharsets.US_ASCII)));
            if (name.equals(Vpd.KEYWORD_CHKSUM)) {
                checksumAt = k + 3;
            }
            k += 3 + len;
        }
        assertEquals(List.of("PN=SIM-1234-5678", "SN=SN000001000", "EC=REV01", "RV="), keywords);
        int sum = 0;
        for (int i = 0; i <= checksumAt; i++) {
            sum += v[i] & 0xff;
        }
        assertEquals(0, sum & 0xff, "RV checksum");
        assertEquals(Vpd.SRDT_END, v[end] & 0xff);
        assertEquals(SimulatedBackend.DEFAULT_VPD_SIZE - 1, end, "the image fills its 256 bytes");
    }

    @Test
    void writeThenReadBack() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        write(d, 0x80, 0xdeadbeef);
        write(d, 0x84, 0x01020304);
        assertEquals(0xdeadbeef, read(d, 0x80));
        assertEquals(0x01020304, read(d, 0x84));
        assertEquals(0x0304dead, read(d, 0x82), "byte addresses, not dword indexes");
    }

    @Test
    void writingDataAloneOrTheLowAddressByteStartsNothing() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        d.writeConfig(VPD + Vpd.DATA, 4, 0x12345678);
        d.writeConfig(VPD + Vpd.ADDR, 1, 0x10);
        assertEquals(0x10, d.readConfig(VPD + Vpd.ADDR, 2), "F not set: no transfer");
        assertEquals(0x12345678, d.readConfig(VPD + Vpd.DATA, 4));
    }

    @Test
    void beyondTheImageReadsBlankAndWritesAreLost() throws Exception {
        SimulatedDevice d = TestDevices.endpoint();
        assertEquals(0xffffffff, read(d, Vpd.ADDR_MASK & ~3));
        assertEquals(0xffff0000 | read(d, 0xfc) >>> 16, read(d, 0xfe), "two bytes inside, two past the end");
        write(d, 0x100, 0);
        assertEquals(0xffffffff, read(d, 0x100));
    }

    private static SimBackendConfig config(String dir, int vpdSize) {
        return new SimBackendConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SimBackendConfig.class;
            }

            @Override
            public String deviceDirectory() {
                return dir;
            }

            @Override
            public int vpdSize() {
                return vpdSize;
            }
        };
    }

    @Test
    void vpdSizeIsConfigurable() throws Exception {
        for (int size : new int[] {64, 1024, Vpd.MAX_SIZE}) {
            SimulatedDevice d = SimulatedBackend.of(
                    List.of(DeviceFiles.parse("t.lspci", TestDevices.dump("01:00.0 x", TestDevices.endpointImage(4096, true, false), null), null)),
                    size).open(PciAddress.parse("01:00.0"));
            assertEquals(0xffffffff, read(d, Math.min(size, Vpd.MAX_SIZE - 4)), "past " + size + " or blank");
            byte[] v = readAll(d, Math.min(size, 1024));
            assertEquals(Vpd.LRDT_ID_STRING, v[0] & 0xff);
        }
        SimulatedBackend backend = new SimulatedBackend(config("", 128));
        assertTrue(backend.devices().size() > 1);
    }

    @Test
    void badVpdSizeIsRefusedNamingTheProperty() {
        for (int size : new int[] {0, 60, 130, Vpd.MAX_SIZE + 4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SimulatedBackend(config("", size)));
            assertTrue(e.getMessage().contains("vpdSize"), e.getMessage());
        }
    }
}
