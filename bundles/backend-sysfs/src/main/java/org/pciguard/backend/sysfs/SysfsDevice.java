package org.pciguard.backend.sysfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.pciguard.api.access.AccessListener;
import org.pciguard.api.access.BarInfo;
import org.pciguard.api.access.DeviceInterruptListener;
import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAccessException;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.access.PhysicalDevice;
import org.pciguard.api.access.ResetKind;
import org.pciguard.api.access.dto.DeviceDTO;
import org.pciguard.api.regs.PciRegs;

/**
 * One PCI function opened through its sysfs directory ({@code /sys/bus/pci/devices/dddd:bb:dd.f}).
 * <p>
 * <b>Config space.</b> {@code config} stays open while the device is open. Every access is one
 * positioned read or write ({@code pread}/{@code pwrite}) at exactly its offset and width, which
 * Linux turns into one config cycle of that width; values are composed little-endian byte by byte.
 * The read path allocates nothing: it reuses one direct buffer under the device's lock.
 * {@link #configSize()} is the number of bytes {@code config} actually yields: Linux gives a reader
 * without {@code CAP_SYS_ADMIN} only the 64-byte header (128 for a CardBus bridge). The function
 * itself has the size {@code stat} reports for {@code config}, at least 256, and 4096 when the
 * readable bytes show a PCI Express capability. Where the backend reaches less, {@link DeviceDTO#truncated}
 * is set, and accesses beyond the reach are refused with an error saying so: never padded.
 * <p>
 * <b>Read-only by default.</b> Unless the backend is configured writable, every config write,
 * every BAR access (reading device memory can have side effects too) and every reset is refused
 * with "read-only backend", and {@link #resets()} is empty.
 * <p>
 * <b>Writable.</b> Config writes go to {@code config}. BAR accesses are positioned reads and writes
 * of {@code resourceN}; Linux implements those for I/O BARs only. Memory BARs need {@code mmap},
 * which this backend does not do (mapping a real device's memory is out of scope), so for them the
 * kernel's refusal is reported. The Expansion ROM is never accessed. The reset offered is the first
 * method in {@code reset_method}, the one Linux applies when {@code 1} is written to {@code reset};
 * a kernel without {@code reset_method} offers none, since the kind of reset cannot be known.
 * <p>
 * <b>Interrupts.</b> sysfs delivers no interrupts: {@link #setInterruptListener} is accepted but
 * the listener is never called, and {@link #raiseInterrupt} always refuses.
 */
final class SysfsDevice implements PhysicalDevice {

    private static final String CONFIG = "config";
    private static final String RESOURCE = "resource";
    private static final String RESET = "reset";
    private static final String RESET_METHOD = "reset_method";
    private static final String READ_ONLY = "read-only backend (configure the sysfs backend writable=true)";
    /** Bound on the standard chain when looking for the PCI Express capability (as the walker's TTL). */
    private static final int CAP_CHAIN_TTL = 48;
    /** Low two bits of a capability pointer are reserved (PCI 3.0, 6.7). */
    private static final int CAP_POINTER_MASK = 0xfc;
    /** Offset of the Next pointer inside a standard capability (PCI 3.0, 6.7). */
    private static final int CAP_NEXT = 1;
    /** {@link #transfer} target meaning config space rather than a BAR. */
    private static final int CONFIG_SPACE = -1;

    private final PciAddress address;
    private final Path dir;
    private final boolean writable;
    private final FileChannel config;
    /** Bytes of config space {@link #config} yields. */
    private final int configSize;
    /** Bytes of config space the function has. */
    private final int functionSize;
    private final int vendorId;
    private final int deviceId;
    private final int classCode;
    private final int revision;
    private final int headerType;
    private final List<BarInfo> bars;
    /** {@code resourceN} channels by BAR index, opened only when writable; null where absent. */
    private final FileChannel[] barChannels = new FileChannel[BarInfo.ROM_INDEX];
    private final Set<ResetKind> resets;
    /** The one transfer buffer; its monitor is the device lock, guarding it and {@link #closed}. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(Long.BYTES);
    private boolean closed;
    private final Object listenersLock = new Object();
    private volatile AccessListener[] listeners = new AccessListener[0];

    /**
     * Opens the function in {@code dir}.
     *
     * @throws PciAccessException naming the address when a file cannot be opened or read, or
     *                            {@code config} yields less than the 64-byte header
     */
    SysfsDevice(PciAddress address, Path dir, boolean writable) {
        this.address = address;
        this.dir = dir;
        this.writable = writable;
        Path configFile = dir.resolve(CONFIG);
        try {
            config = writable ? FileChannel.open(configFile, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(configFile, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new PciAccessException(address, "cannot open " + configFile + ": " + e, e);
        }
        try {
            int statSize = (int) Math.min(Files.size(configFile), PciRegs.CFG_SPACE_EXP_SIZE);
            byte[] image = new byte[PciRegs.CFG_SPACE_EXP_SIZE];
            configSize = readAll(image);
            if (configSize < PciRegs.STD_HEADER_SIZEOF) {
                throw new PciAccessException(address, configFile + " yields " + configSize
                        + " bytes, less than the " + PciRegs.STD_HEADER_SIZEOF + "-byte header");
            }
            int specSize = hasExpressCapability(image, configSize) ? PciRegs.CFG_SPACE_EXP_SIZE : PciRegs.CFG_SPACE_SIZE;
            functionSize = Math.max(statSize, specSize);
            revision = image[PciRegs.REVISION_ID] & 0xff;
            headerType = image[PciRegs.HEADER_TYPE] & PciRegs.HEADER_TYPE_MASK;
            vendorId = hexAttribute("vendor");
            deviceId = hexAttribute("device");
            classCode = hexAttribute("class");
            bars = SysfsResources.parse(address, dir.resolve(RESOURCE));
            resets = writable ? offeredResets() : Set.of();
            if (writable) {
                openBarChannels();
            }
        } catch (IOException | RuntimeException e) {
            closeQuietlyAfter(e);
            if (e instanceof PciAccessException p) {
                throw p;
            }
            throw new PciAccessException(address, "cannot open " + dir + ": " + e, e);
        }
    }

    /** Reads {@code config} from offset 0 until it ends (or 4096 bytes); returns the count. */
    private int readAll(byte[] image) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(image);
        while (b.hasRemaining()) {
            if (config.read(b, b.position()) <= 0) {
                break;
            }
        }
        return b.position();
    }

    /**
     * Whether the readable bytes show a PCI Express capability, which gives the function 4096
     * bytes. A bounded search for one id, not a walk: the walker service is not needed to size the
     * space, and the backend also runs without OSGi.
     */
    private static boolean hasExpressCapability(byte[] image, int length) {
        int status = (image[PciRegs.STATUS] & 0xff) | (image[PciRegs.STATUS + 1] & 0xff) << 8;
        if ((status & PciRegs.Status.CAP_LIST) == 0) {
            return false;
        }
        int pointer = (image[PciRegs.HEADER_TYPE] & PciRegs.HEADER_TYPE_MASK) == PciRegs.HEADER_TYPE_CARDBUS
                ? PciRegs.CB_CAPABILITY_LIST : PciRegs.CAPABILITY_LIST;
        int pos = image[pointer] & CAP_POINTER_MASK;
        for (int step = 0; step < CAP_CHAIN_TTL && pos >= PciRegs.STD_HEADER_SIZEOF && pos + CAP_NEXT < length; step++) {
            if ((image[pos] & 0xff) == PciRegs.CapId.EXP) {
                return true;
            }
            pos = image[pos + CAP_NEXT] & CAP_POINTER_MASK;
        }
        return false;
    }

    /** A sysfs attribute holding one hex number, such as {@code vendor} ({@code 0x8086}). */
    private int hexAttribute(String name) throws IOException {
        Path file = dir.resolve(name);
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Integer.parseInt(text.startsWith("0x") ? text.substring(2) : text, 16);
        } catch (NumberFormatException e) {
            throw new PciAccessException(address, file + " holds '" + text + "', not a hex number", e);
        }
    }

    /** The first method of {@code reset_method} as a {@link ResetKind}, when there is a reset file. */
    private Set<ResetKind> offeredResets() throws IOException {
        Path methods = dir.resolve(RESET_METHOD);
        if (!Files.exists(dir.resolve(RESET)) || !Files.exists(methods)) {
            return Set.of();
        }
        String[] names = Files.readString(methods, StandardCharsets.US_ASCII).trim().split("\\s+");
        switch (names[0]) {
            case "flr":
                return Set.of(ResetKind.FLR);
            case "af_flr":
                return Set.of(ResetKind.AF_FLR);
            case "pm":
                return Set.of(ResetKind.PM);
            case "bus":
                return Set.of(ResetKind.BUS);
            default:
                // device_specific, acpi, cxl_bus ...: no ResetKind describes what Linux would do.
                return Set.of();
        }
    }

    private void openBarChannels() throws IOException {
        for (BarInfo bar : bars) {
            Path file = dir.resolve(RESOURCE + bar.index());
            if (bar.index() < BarInfo.ROM_INDEX && Files.exists(file)) {
                barChannels[bar.index()] = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
        }
    }

    private void closeQuietlyAfter(Exception failure) {
        try {
            closeChannels();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public PciAddress address() {
        return address;
    }

    @Override
    public DeviceDTO describe() {
        DeviceDTO d = new DeviceDTO();
        d.address = address.toString();
        d.vendorId = vendorId;
        d.deviceId = deviceId;
        d.classCode = classCode;
        d.revision = revision;
        d.headerType = headerType;
        d.configSize = configSize;
        d.truncated = configSize < functionSize;
        d.description = String.format("%s [%04x:%04x] class %06x rev %02x%s", address, vendorId, deviceId, classCode,
                revision, d.truncated ? ", " + configSize + " of " + functionSize + " config bytes readable" : "");
        d.source = dir.toString();
        return d;
    }

    @Override
    public int configSize() {
        return configSize;
    }

    @Override
    public int readConfig(int offset, int size) {
        checkConfigAccess(offset, size);
        int value;
        synchronized (buffer) {
            transfer(config, CONFIG_SPACE, false, offset, size);
            value = (int) composeLittleEndian(size);
        }
        AccessListener[] ls = listeners;
        for (AccessListener l : ls) {
            l.configAccess(address, false, offset, size, value);
        }
        return value;
    }

    @Override
    public void writeConfig(int offset, int size, int value) {
        requireWritable(offset, size);
        checkConfigAccess(offset, size);
        synchronized (buffer) {
            decomposeLittleEndian(value, size);
            transfer(config, CONFIG_SPACE, true, offset, size);
        }
        int written = size == Integer.BYTES ? value : value & ((1 << (8 * size)) - 1);
        AccessListener[] ls = listeners;
        for (AccessListener l : ls) {
            l.configAccess(address, true, offset, size, written);
        }
    }

    private void checkConfigAccess(int offset, int size) {
        if (size != 1 && size != 2 && size != 4) {
            throw new PciAccessException(address, offset, size, "config access width must be 1, 2 or 4");
        }
        if (offset < 0 || offset % size != 0) {
            throw new PciAccessException(address, offset, size, "config access not naturally aligned");
        }
        if (offset > configSize - size) {
            String why = offset > functionSize - size
                    ? "past the end of config space (" + functionSize + " bytes)"
                    : "the sysfs backend reaches only " + configSize + " of the function's " + functionSize
                            + " bytes of config space (Linux gives a reader without CAP_SYS_ADMIN 64); not padded";
            throw new PciAccessException(address, offset, size, why);
        }
    }

    @Override
    public List<BarInfo> bars() {
        return bars;
    }

    @Override
    public long readBar(int bar, long offset, int size) {
        FileChannel channel = barAccess(bar, offset, size);
        long value;
        synchronized (buffer) {
            transfer(channel, bar, false, offset, size);
            value = composeLittleEndian(size);
        }
        AccessListener[] ls = listeners;
        for (AccessListener l : ls) {
            l.barAccess(address, false, bar, offset, size, value);
        }
        return value;
    }

    @Override
    public void writeBar(int bar, long offset, int size, long value) {
        FileChannel channel = barAccess(bar, offset, size);
        synchronized (buffer) {
            decomposeLittleEndian(value, size);
            transfer(channel, bar, true, offset, size);
        }
        long written = size == Long.BYTES ? value : value & ((1L << (8 * size)) - 1);
        AccessListener[] ls = listeners;
        for (AccessListener l : ls) {
            l.barAccess(address, true, bar, offset, size, written);
        }
    }

    /** Checks a BAR access and returns the channel of its {@code resourceN} file. */
    private FileChannel barAccess(int bar, long offset, int size) {
        requireWritable(offset, size);
        BarInfo info = bars.stream().filter(b -> b.index() == bar).findFirst()
                .orElseThrow(() -> new PciAccessException(address, offset, size, "BAR " + bar + " is not implemented"));
        if (bar == BarInfo.ROM_INDEX) {
            throw new PciAccessException(address, offset, size, "the sysfs backend does not access the Expansion ROM");
        }
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new PciAccessException(address, offset, size, "BAR " + bar + " access width must be 1, 2, 4 or 8");
        }
        if (offset < 0 || offset % size != 0 || offset > info.size() - size) {
            throw new PciAccessException(address, offset, size,
                    "BAR " + bar + " access misaligned or outside its " + info.size() + " bytes");
        }
        FileChannel channel = barChannels[bar];
        if (channel == null) {
            throw new PciAccessException(address, offset, size, "no " + dir.resolve(RESOURCE + bar));
        }
        return channel;
    }

    /**
     * One positioned transfer of {@code size} bytes of {@link #buffer} to or from config space
     * ({@code bar} = {@link #CONFIG_SPACE}) or a BAR; call with the lock held.
     */
    private void transfer(FileChannel channel, int bar, boolean write, long offset, int size) {
        if (closed) {
            throw new PciAccessException(address, offset, size, what(bar, write) + ": device is closed");
        }
        buffer.clear().limit(size);
        int n;
        try {
            n = write ? channel.write(buffer, offset) : channel.read(buffer, offset);
        } catch (IOException e) {
            throw new PciAccessException(address, offset, size, what(bar, write) + " failed: " + e, e);
        }
        if (n != size) {
            throw new PciAccessException(address, offset, size,
                    what(bar, write) + " transferred " + n + " bytes, not " + size);
        }
    }

    private static String what(int bar, boolean write) {
        return (bar == CONFIG_SPACE ? "config" : "BAR " + bar) + (write ? " write" : " read");
    }

    /** The first {@code size} bytes of {@link #buffer}, least significant first. */
    private long composeLittleEndian(int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (buffer.get(i) & 0xffL) << (8 * i);
        }
        return value;
    }

    /** Puts the low {@code size} bytes of {@code value} into {@link #buffer}, least significant first. */
    private void decomposeLittleEndian(long value, int size) {
        buffer.clear();
        for (int i = 0; i < size; i++) {
            buffer.put(i, (byte) (value >>> (8 * i)));
        }
    }

    private void requireWritable(long offset, int size) {
        if (!writable) {
            throw new PciAccessException(address, offset, size, READ_ONLY);
        }
    }

    @Override
    public Set<ResetKind> resets() {
        return resets;
    }

    @Override
    public void reset(ResetKind kind) {
        if (!writable) {
            throw new PciAccessException(address, "reset " + kind + ": " + READ_ONLY);
        }
        if (!resets.contains(kind)) {
            throw new PciAccessException(address, "reset " + kind + " is not offered; the sysfs backend offers " + resets
                    + " (first method of " + dir.resolve(RESET_METHOD) + ")");
        }
        synchronized (buffer) {
            if (closed) {
                throw new PciAccessException(address, "reset " + kind + ": device is closed");
            }
            Path file = dir.resolve(RESET);
            try {
                Files.writeString(file, "1", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new PciAccessException(address, "reset " + kind + " through " + file + " failed: " + e, e);
            }
        }
    }

    @Override
    public boolean writable() {
        return writable;
    }

    /** Accepted, never called: sysfs delivers no interrupts to user space. */
    @Override
    public void setInterruptListener(DeviceInterruptListener listener) {
        // Nothing to register: interrupts of a real function reach user space only through vfio.
    }

    @Override
    public void raiseInterrupt(InterruptKind kind, int index) {
        throw new PciAccessException(address, "raise " + kind + " " + index
                + ": the sysfs backend cannot raise interrupts on request");
    }

    @Override
    public void addAccessListener(AccessListener listener) {
        synchronized (listenersLock) {
            AccessListener[] ls = Arrays.copyOf(listeners, listeners.length + 1);
            ls[ls.length - 1] = listener;
            listeners = ls;
        }
    }

    @Override
    public void removeAccessListener(AccessListener listener) {
        synchronized (listenersLock) {
            AccessListener[] ls = listeners;
            for (int i = 0; i < ls.length; i++) {
                if (ls[i] == listener) {
                    AccessListener[] rest = new AccessListener[ls.length - 1];
                    System.arraycopy(ls, 0, rest, 0, i);
                    System.arraycopy(ls, i + 1, rest, i, ls.length - i - 1);
                    listeners = rest;
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (buffer) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                closeChannels();
            } catch (IOException e) {
                throw new PciAccessException(address, "closing " + dir + " failed: " + e, e);
            }
        }
    }

    /** Closes every channel, throwing the first failure with the others suppressed. */
    private void closeChannels() throws IOException {
        IOException failure = null;
        for (FileChannel c : barChannels) {
            failure = closeCollecting(c, failure);
        }
        failure = closeCollecting(config, failure);
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException closeCollecting(FileChannel channel, IOException failure) {
        if (channel == null) {
            return failure;
        }
        try {
            channel.close();
        } catch (IOException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    @Override
    public String toString() {
        return "sysfs " + address + (writable ? " (writable)" : " (read-only)");
    }
}
