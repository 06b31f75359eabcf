package org.pciguard.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pciguard.api.capability.CapabilityMap;
import org.pciguard.api.capability.CapabilityWalker;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.walker.DefaultCapabilityWalker;

/**
 * The capability walker on whole configuration spaces. Target: under 20 µs for a full 4 KiB space
 * with a long extended chain.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WalkerBenchmark {

    /** The shipped 4 KiB dump with the longest extended chain: 5 standard, 11 extended capabilities. */
    static final String LONGEST_REAL_DUMP = "10de-24a0-ga104-rtx3070ti.lspci";
    /** Spacing of the synthetic extended capabilities: every one used here fits in 64 bytes. */
    private static final int ECAP_STRIDE = 0x40;
    /** Vendor-specific length field (bits 31:20 of the dword at +4) filling the stride. */
    private static final int VSEC_LENGTH = ECAP_STRIDE << 20;
    /** Unique extended capabilities of the synthetic device, before the vendor-specific tail. */
    private static final int[] UNIQUE_ECAPS = {ExtCapId.ERR, ExtCapId.DSN, ExtCapId.ARI, ExtCapId.SRIOV,
        ExtCapId.ATS, ExtCapId.PRI, ExtCapId.PASID, ExtCapId.LTR, ExtCapId.L1SS, ExtCapId.PTM, ExtCapId.DLF,
        ExtCapId.ACS, ExtCapId.TPH, ExtCapId.SECPCI, ExtCapId.PL_16GT, ExtCapId.DPC};

    private final CapabilityWalker walker = new DefaultCapabilityWalker();
    private byte[] full4k;
    private byte[] realDump;

    /** Builds the synthetic space and loads the real dump; checks both walk without anomalies. */
    @Setup
    public void setUp() {
        full4k = synthetic4k();
        realDump = ConfigDumps.load(LONGEST_REAL_DUMP);
        for (byte[] config : new byte[][] {full4k, realDump}) {
            CapabilityMap map = walker.walk(config);
            if (!map.anomalies().isEmpty() || map.extended().size() < 10) {
                throw new IllegalStateException("benchmark input is not a long well-formed chain: " + map);
            }
        }
    }

    /** A 4 KiB PCI Express endpoint: 5 standard capabilities and 60 extended ones filling 0x100..0xfff. */
    @Benchmark
    public CapabilityMap walkFull4k() {
        return walker.walk(full4k);
    }

    /** {@link #LONGEST_REAL_DUMP}, a real GPU. */
    @Benchmark
    public CapabilityMap walkRealDump() {
        return walker.walk(realDump);
    }

    /** PM, MSI (64-bit, maskable), PCI Express v2 endpoint x16, MSI-X, vendor; then the extended chain. */
    static byte[] synthetic4k() {
        byte[] c = new byte[PciRegs.CFG_SPACE_EXP_SIZE];
        put16(c, PciRegs.VENDOR_ID, 0x8086);
        put16(c, PciRegs.DEVICE_ID, 0x1234);
        put16(c, PciRegs.STATUS, PciRegs.Status.CAP_LIST);
        c[PciRegs.CAPABILITY_LIST] = 0x40;
        cap(c, 0x40, CapId.PM, 0x48);
        cap(c, 0x48, CapId.MSI, 0x60);
        put16(c, 0x48 + Msi.FLAGS, Msi.FLAGS_64BIT | Msi.FLAGS_MASKBIT);
        cap(c, 0x60, CapId.EXP, 0xa0);
        put16(c, 0x60 + Exp.FLAGS, 2 | Exp.TYPE_ENDPOINT << Exp.FLAGS_TYPE_SHIFT); // version 2
        put32(c, 0x60 + Exp.LNKCAP, 16 << Integer.numberOfTrailingZeros(Exp.LNKCAP_MLW));
        cap(c, 0xa0, CapId.MSIX, 0xb0);
        cap(c, 0xb0, CapId.VNDR, 0);
        c[0xb2] = 0x10;
        int count = (PciRegs.CFG_SPACE_EXP_SIZE - PciRegs.CFG_SPACE_SIZE) / ECAP_STRIDE;
        for (int i = 0; i < count; i++) {
            int off = PciRegs.CFG_SPACE_SIZE + i * ECAP_STRIDE;
            int next = i + 1 < count ? off + ECAP_STRIDE : 0;
            int id = i < UNIQUE_ECAPS.length ? UNIQUE_ECAPS[i] : i % 2 == 0 ? ExtCapId.VNDR : ExtCapId.DVSEC;
            put32(c, off, id | 1 << ExtCapHeader.VERSION_SHIFT | next << ExtCapHeader.NEXT_SHIFT);
            if (id == ExtCapId.VNDR || id == ExtCapId.DVSEC) {
                put32(c, off + 4, VSEC_LENGTH | 0x1e98); // length; VSEC id or DVSEC vendor
            }
        }
        return c;
    }

    private static void cap(byte[] c, int off, int id, int next) {
        c[off] = (byte) id;
        c[off + 1] = (byte) next;
    }

    private static void put16(byte[] c, int off, int value) {
        c[off] = (byte) value;
        c[off + 1] = (byte) (value >>> 8);
    }

    private static void put32(byte[] c, int off, int value) {
        put16(c, off, value);
        put16(c, off + 2, value >>> 16);
    }
}
