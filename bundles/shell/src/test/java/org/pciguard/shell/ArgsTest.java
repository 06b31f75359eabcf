package org.pciguard.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Options, positional words and numbers of a command line. */
class ArgsTest {

    @Test
    void optionsAndFlagsAreTakenOutByName() {
        Args a = new Args("DEV", "--script", "f", "--trace");
        assertEquals("f", a.option("--script", null));
        assertTrue(a.flag("--trace"));
        assertFalse(a.flag("--trace"));
        assertEquals("DEV", a.single("needs one"));
    }

    @Test
    void aFlagGivenTwiceIsReportedUnknown() {
        Args a = new Args("DEV", "--trace", "--trace");
        a.flag("--trace");
        assertEquals("unknown option '--trace'",
                assertThrows(IllegalArgumentException.class, () -> a.single("x")).getMessage());
    }

    @Test
    void numbersAreHexOrDecimalUpTo64BitsUnsigned() {
        assertEquals(31, Args.number("0x1F"));
        assertEquals(31, Args.number("31"));
        assertEquals(-1L, Args.number("18446744073709551615"));
        assertEquals("'18446744073709551616' does not fit in 64 bits",
                assertThrows(NumberFormatException.class, () -> Args.number("18446744073709551616")).getMessage());
        assertEquals("0x00ff", Args.hex(0xff, 2));
        assertEquals("0xffffffffffffffff", Args.hex(-1L, 8));
    }
}
