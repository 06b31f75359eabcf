package org.pciguard.core;

import static org.pciguard.api.regs.PciRegs.CAPABILITY_LIST;
import static org.pciguard.api.regs.PciRegs.CFG_SPACE_SIZE;
import static org.pciguard.api.regs.PciRegs.DEVICE_ID;
import static org.pciguard.api.regs.PciRegs.HEADER_TYPE;
import static org.pciguard.api.regs.PciRegs.STATUS;
import static org.pciguard.api.regs.PciRegs.VENDOR_ID;

import org.pciguard.api.regs.PciRegs.ExtCapHeader;
import org.pciguard.api.regs.PciRegs.Status;

/** Builds config space images with capability chains, for the real walker. */
final class ConfigImage {

    private final byte[] bytes;
    private int lastStandard = -1;
    private int lastExtended = -1;

    private ConfigImage(int size) {
        bytes = new byte[size];
        set(VENDOR_ID, 2, 0x1af4);
        set(DEVICE_ID, 2, 0x1041);
    }

    /** A type-0 function of 256 or 4096 bytes, no capability yet. */
    static ConfigImage type0(int size) {
        return new ConfigImage(size);
    }

    ConfigImage set(int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            bytes[offset + k] = (byte) (value >>> (8 * k));
        }
        return this;
    }

    int get(int offset, int size) {
        int v = 0;
        for (int k = 0; k < size; k++) {
            v |= (bytes[offset + k] & 0xff) << (8 * k);
        }
        return v;
    }

    ConfigImage headerType(int type) {
        return set(HEADER_TYPE, 1, type);
    }

    /** Appends a standard capability to the chain (linked from the previous one, or from 0x34). */
    ConfigImage std(int offset, int id) {
        set(offset, 1, id);
        set(offset + 1, 1, 0);
        if (lastStandard < 0) {
            set(CAPABILITY_LIST, 1, offset);
            set(STATUS, 2, get(STATUS, 2) | Status.CAP_LIST);
        } else {
            set(lastStandard + 1, 1, offset);
        }
        lastStandard = offset;
        return this;
    }

    /** Appends an extended capability (the first must be at 0x100). */
    ConfigImage ext(int offset, int id, int version) {
        set(offset, 4, id | version << ExtCapHeader.VERSION_SHIFT);
        if (lastExtended >= 0) {
            set(lastExtended, 4, get(lastExtended, 4) | offset << ExtCapHeader.NEXT_SHIFT);
        } else if (offset != CFG_SPACE_SIZE) {
            throw new IllegalArgumentException("the first extended capability sits at 0x100");
        }
        lastExtended = offset;
        return this;
    }

    byte[] bytes() {
        return bytes.clone();
    }

    FakeDevice device() {
        return new FakeDevice(bytes);
    }
}
