package org.pciguard.backend.sim.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.pciguard.api.access.PciAddress;
import org.pciguard.api.regs.PciRegs.Vpd;

/**
 * The non-volatile storage behind a VPD capability (an EEPROM on real boards): it survives function
 * resets. Bytes past its end read 0xff, as unprogrammed EEPROM, and writes past its end are lost.
 * Not thread-safe: the owner locks.
 */
final class VpdStorage {

    /** Smallest synthetic image: room for the tags, the VPD-R keywords and a short identifier. */
    static final int MIN_SIZE = 64;
    /** Erased EEPROM. */
    private static final int BLANK = 0xff;
    /** Tag and keyword headers: tag byte plus a 16-bit length; keyword name plus an 8-bit length. */
    private static final int LARGE_TAG_HEADER = 3;
    private static final int KEYWORD_HEADER = 3;
    /** Largest keyword payload: its length is one byte. */
    private static final int MAX_KEYWORD = 0xff;

    private final byte[] data;

    VpdStorage(byte[] data) {
        this.data = data.clone();
    }

    int size() {
        return data.length;
    }

    /** Four bytes from {@code addr}, the first in the low byte. */
    int read(int addr) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int a = addr + i;
            v |= (a < data.length ? data[a] & 0xff : BLANK) << (8 * i);
        }
        return v;
    }

    /** Stores four bytes at {@code addr}, the first from the low byte. */
    void write(int addr, int value) {
        for (int i = 0; i < 4; i++) {
            if (addr + i < data.length) {
                data[addr + i] = (byte) (value >>> (8 * i));
            }
        }
    }

    /**
     * A synthetic, well-formed VPD image (PCI 3.0, appendix I): an Identifier String with the device
     * description, a VPD-R with PN, SN, EC and the RV checksum (whose reserved bytes pad the image),
     * and the End Tag; any bytes left after the End Tag are blank.
     *
     * @param size        bytes of storage, {@link #MIN_SIZE} to {@link Vpd#MAX_SIZE}
     * @param description the identifier string (non-ASCII characters become '?'; cut to fit)
     */
    static byte[] synthetic(int size, String description, int vendor, int device, int revision, PciAddress address) {
        if (size < MIN_SIZE || size > Vpd.MAX_SIZE) {
            throw new IllegalArgumentException("VPD size " + size + " out of range " + MIN_SIZE + ".." + Vpd.MAX_SIZE);
        }
        ByteArrayOutputStream keywords = new ByteArrayOutputStream();
        keyword(keywords, Vpd.KEYWORD_PARTNO, String.format("SIM-%04X-%04X", vendor, device));
        keyword(keywords, Vpd.KEYWORD_SERIALNO, String.format("SN%04X%02X%02X%X", address.domain(), address.bus(),
                address.device(), address.function()));
        keyword(keywords, Vpd.KEYWORD_EC, String.format("REV%02X", revision));
        int fixed = LARGE_TAG_HEADER + LARGE_TAG_HEADER + keywords.size() + KEYWORD_HEADER + 1;
        byte[] id = ascii(description, size - fixed - 1);
        int rvLength = Math.min(MAX_KEYWORD, size - fixed - id.length);

        byte[] image = new byte[size];
        Arrays.fill(image, (byte) BLANK);
        int p = largeTag(image, 0, Vpd.LRDT_ID_STRING, id.length);
        System.arraycopy(id, 0, image, p, id.length);
        p += id.length;
        p = largeTag(image, p, Vpd.LRDT_RO_DATA, keywords.size() + KEYWORD_HEADER + rvLength);
        System.arraycopy(keywords.toByteArray(), 0, image, p, keywords.size());
        p += keywords.size();
        image[p++] = (byte) Vpd.KEYWORD_CHKSUM.charAt(0);
        image[p++] = (byte) Vpd.KEYWORD_CHKSUM.charAt(1);
        image[p++] = (byte) rvLength;
        int sum = 0;
        for (int i = 0; i < p; i++) {
            sum += image[i] & 0xff;
        }
        image[p] = (byte) -sum; // checksum: all bytes from the start through this one add up to 0
        for (int i = 1; i < rvLength; i++) {
            image[p + i] = 0; // reserved
        }
        p += rvLength;
        image[p] = (byte) Vpd.SRDT_END;
        return image;
    }

    private static int largeTag(byte[] image, int p, int tag, int length) {
        image[p] = (byte) tag;
        image[p + 1] = (byte) length;
        image[p + 2] = (byte) (length >>> 8);
        return p + LARGE_TAG_HEADER;
    }

    private static void keyword(ByteArrayOutputStream out, String name, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(v.length);
        out.writeBytes(v);
    }

    private static byte[] ascii(String text, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
