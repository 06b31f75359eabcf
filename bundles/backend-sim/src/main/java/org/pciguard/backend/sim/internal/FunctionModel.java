package org.pciguard.backend.sim.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.StampedLock;

import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.BarKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.regs.PciRegs;
import org.pciguard.api.regs.PciRegs.Af;
import org.pciguard.api.regs.PciRegs.BaseAddress;
import org.pciguard.api.regs.PciRegs.CapId;
import org.pciguard.api.regs.PciRegs.Exp;
import org.pciguard.api.regs.PciRegs.ExtCapId;
import org.pciguard.api.regs.PciRegs.Msi;
import org.pciguard.api.regs.PciRegs.Msix;
import org.pciguard.api.regs.PciRegs.Pm;
import org.pciguard.api.regs.PciRegs.Pwr;
import org.pciguard.api.regs.PciRegs.Status;
import org.pciguard.api.regs.PciRegs.Vpd;
import org.pciguard.backend.sim.DeviceImage;

/**
 * The hardware of one simulated function: its configuration registers with the write semantics of
 * {@link RegisterMasks}, the side effects that follow a write (power state, FLR, VPD transfer,
 * power budget selection), the power-on image resets restore, and the memory behind its BARs.
 * <p>
 * One lock guards the state; every method is safe for concurrent use. A configuration read is an
 * optimistic read of the lock (no write, no allocation) that retries under the read lock if a write
 * overlapped it. Callers validate access widths and bounds; this class assumes them.
 */
public final class FunctionModel {

    private static final int BYTE = 8;
    /** Every bit of a byte. */
    private static final int ALL8 = 0xff;

    private final StampedLock lock = new StampedLock();
    private final PciAddress address;
    private final byte[] powerOn;
    private final byte[] config;
    private final byte[] wmask;
    private final byte[] w1cmask;
    private final int headerType;
    /** Capability offsets; -1 where the function has none. */
    private final int pm;
    private final int msi;
    private final int msix;
    private final int vpdCap;
    private final int exp;
    private final int af;
    private final int pwr;
    private final boolean flrByDevctl;
    private final boolean flrByAf;
    private final Set<ResetKind> resets;
    private final BarInfo[] bars = new BarInfo[BarInfo.ROM_INDEX + 1];
    private final BarMemory[] memory = new BarMemory[BarInfo.ROM_INDEX + 1];
    private final VpdStorage vpd;
    /** MSI-X table and PBA in BAR memory; bar -1 where absent or not inside an implemented BAR. */
    private final int tableBar;
    private final long tableOffset;
    private final int tableEntries;
    private final int pbaBar;
    private final long pbaOffset;
    private final long pbaLength;
    /** Power Budgeting: the entry the dump selected and its data. */
    private final int pwrSelect;
    private final int pwrData;

    /**
     * Builds the function, fully, from its power-on image.
     *
     * @param address the function's address
     * @param image   the parsed device file
     * @param vpdSize bytes of synthetic VPD behind a VPD capability
     */
    public FunctionModel(PciAddress address, DeviceImage image, int vpdSize) {
        this.address = address;
        this.config = image.config();
        this.powerOn = config.clone();
        this.headerType = HeaderLayout.headerType(config);
        List<CapabilityScan.Cap> caps = CapabilityScan.scan(config);
        RegisterMasks masks = RegisterMasks.build(config, image.bars(), caps);
        this.wmask = masks.wmask;
        this.w1cmask = masks.w1cmask;
        this.pm = CapabilityScan.find(caps, CapId.PM, false);
        this.msi = CapabilityScan.find(caps, CapId.MSI, false);
        this.msix = CapabilityScan.find(caps, CapId.MSIX, false);
        this.vpdCap = CapabilityScan.find(caps, CapId.VPD, false);
        this.exp = CapabilityScan.find(caps, CapId.EXP, false);
        this.af = CapabilityScan.find(caps, CapId.AF, false);
        this.pwr = CapabilityScan.find(caps, ExtCapId.PWR, true);
        if (pm >= 0) {
            powerOn[pm + Pm.CTRL] &= (byte) ~Pm.CTRL_STATE_MASK; // functions power on in D0, whatever state the dump caught
        }
        for (BarInfo bar : image.bars()) {
            bars[bar.index()] = bar;
            memory[bar.index()] = new BarMemory(bar.size());
        }

        int expType = exp < 0 ? -1 : (cfg16(exp + Exp.FLAGS) & Exp.FLAGS_TYPE) >> Exp.FLAGS_TYPE_SHIFT;
        boolean endpoint = expType == Exp.TYPE_ENDPOINT || expType == Exp.TYPE_LEG_END || expType == Exp.TYPE_RC_END;
        this.flrByDevctl = endpoint && (cfg32(exp + Exp.DEVCAP) & Exp.DEVCAP_FLR) != 0;
        this.flrByAf = af >= 0 && (powerOn[af + Af.CAP] & Af.CAP_FLR) != 0;
        EnumSet<ResetKind> kinds = EnumSet.of(ResetKind.BUS);
        if (flrByDevctl) {
            kinds.add(ResetKind.FLR);
        }
        if (flrByAf) {
            kinds.add(ResetKind.AF_FLR);
        }
        if (pm >= 0 && (cfg16(pm + Pm.CTRL) & Pm.CTRL_NO_SOFT_RESET) == 0) {
            kinds.add(ResetKind.PM);
        }
        this.resets = Collections.unmodifiableSet(EnumSet.copyOf(kinds)); // enum order: messages repeat run to run

        this.vpd = vpdCap < 0 ? null : new VpdStorage(VpdStorage.synthetic(vpdSize, image.description(),
                cfg16(PciRegs.VENDOR_ID), cfg16(PciRegs.DEVICE_ID), powerOn[PciRegs.REVISION_ID] & 0xff, address));
        this.pwrSelect = pwr < 0 ? 0 : powerOn[pwr + Pwr.DSR] & 0xff;
        this.pwrData = pwr < 0 ? 0 : cfg32(pwr + Pwr.DATA);

        int msixFlags = msix < 0 ? 0 : cfg16(msix + Msix.FLAGS);
        int entries = (msixFlags & Msix.FLAGS_QSIZE) + 1;
        int table = msix < 0 ? 0 : cfg32(msix + Msix.TABLE);
        int pba = msix < 0 ? 0 : cfg32(msix + Msix.PBA);
        long pbaBytes = (entries + Long.SIZE - 1) / Long.SIZE * Long.BYTES;
        long tableAt = Integer.toUnsignedLong(table & Msix.TABLE_OFFSET);
        long pbaAt = Integer.toUnsignedLong(pba & Msix.PBA_OFFSET);
        boolean tableFits = msix >= 0 && fits(table & Msix.TABLE_BIR, tableAt, (long) entries * Msix.ENTRY_SIZE);
        boolean pbaFits = msix >= 0 && fits(pba & Msix.PBA_BIR, pbaAt, pbaBytes);
        this.tableBar = tableFits ? table & Msix.TABLE_BIR : -1;
        this.tableOffset = tableAt;
        this.tableEntries = tableFits ? entries : 0;
        this.pbaBar = pbaFits ? pba & Msix.PBA_BIR : -1;
        this.pbaOffset = pbaAt;
        this.pbaLength = pbaBytes;
        initTable();
    }

    private boolean fits(int bir, long offset, long length) {
        return bir < BarInfo.ROM_INDEX && bars[bir] != null && bars[bir].kind() != BarKind.IO
                && offset + length <= bars[bir].size();
    }

    /** The function's address. */
    public PciAddress address() {
        return address;
    }

    /** Bytes of configuration space: those of the dump. */
    public int configSize() {
        return powerOn.length;
    }

    /** A copy of the power-on image: the dump, in D0. */
    public byte[] powerOnImage() {
        return powerOn.clone();
    }

    // ---- configuration space -----------------------------------------------------------------

    /** Reads {@code size} bytes at {@code offset}, little-endian. */
    public int read(int offset, int size) {
        long stamp = lock.tryOptimisticRead();
        int value = Le.get(config, offset, size);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                value = Le.get(config, offset, size);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return value;
    }

    /**
     * Writes {@code size} bytes at {@code offset} as hardware does: bits outside the write mask keep
     * their value, RW1C bits written 1 clear; then the side effects of the registers touched.
     */
    public void write(int offset, int size, int value) {
        long stamp = lock.writeLock();
        try {
            for (int i = 0; i < size; i++) {
                int at = offset + i;
                int b = value >>> (BYTE * i) & 0xff;
                int c = (config[at] & ~wmask[at]) | (b & wmask[at]);
                config[at] = (byte) (c & ~(b & w1cmask[at]));
            }
            afterWrite(offset, size, value);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void afterWrite(int offset, int size, int value) {
        if (pm >= 0 && Le.covers(offset, size, pm + Pm.CTRL)) {
            powerState(Le.byteOf(value, offset, pm + Pm.CTRL) & Pm.CTRL_STATE_MASK);
        }
        if (vpd != null && Le.covers(offset, size, vpdCap + Vpd.ADDR + 1)) {
            vpdTransfer();
        }
        if (pwr >= 0 && Le.covers(offset, size, pwr + Pwr.DSR)) {
            int select = config[pwr + Pwr.DSR] & 0xff;
            Le.put(config, pwr + Pwr.DATA, 4, select == pwrSelect ? pwrData : 0); // unknown entries read 0, as past the last
        }
        int devctlHigh = exp + Exp.DEVCTL + 1;
        if (flrByDevctl && Le.covers(offset, size, devctlHigh)
                && (Le.byteOf(value, offset, devctlHigh) & Exp.DEVCTL_BCR_FLR >>> BYTE) != 0) {
            restore(); // Initiate Function Level Reset (PCIe 6.0, 6.6.2)
        }
        if (flrByAf && Le.covers(offset, size, af + Af.CTRL) && (Le.byteOf(value, offset, af + Af.CTRL) & Af.CTRL_FLR) != 0) {
            restore(); // AF FLR
        }
    }

    /** PMCSR PowerState written (PM 1.2, 5.4.1 and 5.6): unsupported or backward requests are ignored. */
    private void powerState(int requested) {
        int at = pm + Pm.CTRL;
        int current = config[at] & Pm.CTRL_STATE_MASK;
        int pmc = cfg16(pm + Pm.PMC);
        boolean supported = requested == Pm.STATE_D0 || requested == Pm.STATE_D3HOT
                || requested == Pm.STATE_D1 && (pmc & Pm.CAP_D1) != 0 || requested == Pm.STATE_D2 && (pmc & Pm.CAP_D2) != 0;
        if (requested == current || !supported || requested != Pm.STATE_D0 && requested < current) {
            return;
        }
        if (current == Pm.STATE_D3HOT && (config[at] & Pm.CTRL_NO_SOFT_RESET) == 0) {
            restore(); // D3hot to D0 without No_Soft_Reset: the function is reset (D0uninitialized)
            return;
        }
        config[at] = (byte) ((config[at] & ~Pm.CTRL_STATE_MASK) | requested);
    }

    /** The VPD handshake: F written 0 reads four bytes and sets F; F written 1 stores DATA and clears F. */
    private void vpdTransfer() {
        int reg = Le.get(config, vpdCap + Vpd.ADDR, 2);
        int addr = reg & Vpd.ADDR_MASK;
        if ((reg & Vpd.ADDR_F) == 0) {
            Le.put(config, vpdCap + Vpd.DATA, 4, vpd.read(addr));
            reg |= Vpd.ADDR_F;
        } else {
            vpd.write(addr, Le.get(config, vpdCap + Vpd.DATA, 4));
            reg &= ~Vpd.ADDR_F;
        }
        Le.put(config, vpdCap + Vpd.ADDR, 2, reg);
    }

    // ---- resets ------------------------------------------------------------------------------

    /** The resets this function supports: FLR and AF FLR where capable, PM without No_Soft_Reset, bus always. */
    public Set<ResetKind> resets() {
        return resets;
    }

    /** Resets the function: the power-on image (D0), BAR memory cleared, MSI-X entries masked; VPD storage kept. */
    public void reset() {
        long stamp = lock.writeLock();
        try {
            restore();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void restore() {
        System.arraycopy(powerOn, 0, config, 0, config.length);
        for (BarMemory m : memory) {
            if (m != null) {
                m.clear();
            }
        }
        initTable();
    }

    private void initTable() {
        for (int i = 0; i < tableEntries; i++) {
            memory[tableBar].write(tableOffset + (long) i * Msix.ENTRY_SIZE + Msix.ENTRY_VECTOR_CTRL, 4,
                    Msix.ENTRY_CTRL_MASKBIT); // entries come out of reset masked (PCI 3.0, 6.8.2.9)
        }
    }

    // ---- interrupts --------------------------------------------------------------------------

    /** Whether the function has an INTx pin. */
    public boolean hasIntx() {
        return powerOn[PciRegs.INTERRUPT_PIN] != 0;
    }

    /** MSI vectors the function can signal (Multiple Message Capable), 0 without MSI. */
    public int msiVectors() {
        return msi < 0 ? 0 : RegisterMasks.msiVectors(cfg16(msi + Msi.FLAGS));
    }

    /** MSI-X table entries, 0 without MSI-X. */
    public int msixEntries() {
        return msix < 0 ? 0 : (cfg16(msix + Msix.FLAGS) & Msix.FLAGS_QSIZE) + 1;
    }

    /** Sets or clears Status.INTERRUPT: the function asserts or deasserts INTx. */
    public void intx(boolean asserted) {
        long stamp = lock.writeLock();
        try {
            if (asserted) {
                config[PciRegs.STATUS] |= (byte) Status.INTERRUPT;
            } else {
                config[PciRegs.STATUS] &= (byte) ~Status.INTERRUPT;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ---- BARs --------------------------------------------------------------------------------

    /** The BAR at this index as the dump described it, or null where none is implemented. */
    public BarInfo bar(int index) {
        return index >= 0 && index < bars.length ? bars[index] : null;
    }

    /** The implemented BARs, with the address their registers hold now. */
    public List<BarInfo> bars() {
        long stamp = lock.readLock();
        try {
            return Arrays.stream(bars).filter(b -> b != null)
                    .map(b -> new BarInfo(b.index(), b.kind(), b.size(), b.prefetchable(), b.sizeInferred(), currentAddress(b)))
                    .toList();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private long currentAddress(BarInfo b) {
        int reg = HeaderLayout.register(headerType, b.index());
        long low = Integer.toUnsignedLong(Le.get(config, reg, 4));
        switch (b.kind()) {
            case IO:
                return low & Integer.toUnsignedLong(BaseAddress.IO_MASK);
            case MEMORY64:
                return low & Integer.toUnsignedLong(BaseAddress.MEM_MASK) | Integer.toUnsignedLong(Le.get(config, reg + 4, 4)) << 32;
            case ROM:
                return low & Integer.toUnsignedLong(PciRegs.ROM_ADDRESS_MASK);
            default:
                return low & Integer.toUnsignedLong(BaseAddress.MEM_MASK);
        }
    }

    /** Reads BAR memory; the caller checked the BAR exists and the access is inside it. */
    public long readBar(int bar, long offset, int size) {
        long stamp = lock.readLock();
        try {
            return memory[bar].read(offset, size);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Writes BAR memory. The Expansion ROM ignores writes; the MSI-X PBA is read-only; in the MSI-X
     * table only the address, data and vector-control mask bits are writable.
     */
    public void writeBar(int bar, long offset, int size, long value) {
        long mask = 0;
        for (int i = 0; i < size; i++) {
            mask |= (long) barByteMask(bar, offset + i) << (BYTE * i);
        }
        long stamp = lock.writeLock();
        try {
            BarMemory m = memory[bar];
            long old = mask == -1L >>> (Long.SIZE - BYTE * size) ? 0 : m.read(offset, size);
            m.write(offset, size, (old & ~mask) | (value & mask));
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private int barByteMask(int bar, long at) {
        if (bar == BarInfo.ROM_INDEX) {
            return 0; // ROM: writes are ignored
        }
        if (bar == pbaBar && at >= pbaOffset && at < pbaOffset + pbaLength) {
            return 0; // Pending Bit Array: RO, set by the function (PCI 3.0, 6.8.2.10)
        }
        if (bar == tableBar && at >= tableOffset && at < tableOffset + (long) tableEntries * Msix.ENTRY_SIZE) {
            int inEntry = (int) ((at - tableOffset) % Msix.ENTRY_SIZE);
            if (inEntry >= Msix.ENTRY_VECTOR_CTRL) {
                return Msix.ENTRY_CTRL_MASKBIT >>> (BYTE * (inEntry - Msix.ENTRY_VECTOR_CTRL)) & ALL8; // mask bit only
            }
            if (inEntry < Msix.ENTRY_UPPER_ADDR) {
                return ~Msi.ADDRESS_LO_RESERVED >>> (BYTE * (inEntry - Msix.ENTRY_LOWER_ADDR)) & ALL8; // address bits 1:0 RO 0
            }
        }
        return ALL8;
    }

    private int cfg16(int off) {
        return off >= 0 && off + 2 <= powerOn.length ? Le.get(powerOn, off, 2) : 0;
    }

    private int cfg32(int off) {
        return off >= 0 && off + 4 <= powerOn.length ? Le.get(powerOn, off, 4) : 0;
    }
}
