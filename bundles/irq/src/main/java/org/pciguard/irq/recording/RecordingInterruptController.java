package org.pciguard.irq.recording;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.pciguard.api.access.InterruptKind;
import org.pciguard.api.access.PciAddress;
import org.pciguard.api.irq.GuestInterruptController;

/**
 * Records every call it gets, in order, and hands the replay line of each interrupt delivered to the
 * guest to a printer ({@code > msi addr=0x%016x data=0x%08x}, {@code > msix ...}, {@code > intx assert};
 * an INTx deassertion is recorded but delivers nothing, so it prints nothing). Thread-safe; allocates
 * per call, so it is no controller for a benchmark.
 */
public final class RecordingInterruptController implements GuestInterruptController {

    /**
     * One call of the controller.
     *
     * @param source   the device
     * @param kind     MSI, MSI-X or INTx
     * @param address  message address (0 for INTx)
     * @param data     message data (0 for INTx)
     * @param asserted for INTx, the level set; true for a message
     */
    public record Delivery(PciAddress source, InterruptKind kind, long address, int data, boolean asserted) {

        /** Whether an interrupt reached the guest: a message, or an INTx assertion. */
        public boolean interrupt() {
            return asserted;
        }

        /** The replay line of DESIGN.md ("The command line"); {@code > intx deassert} for a deassertion. */
        public String line() {
            return switch (kind) {
                case MSI -> String.format("> msi addr=0x%016x data=0x%08x", address, data);
                case MSIX -> String.format("> msix addr=0x%016x data=0x%08x", address, data);
                case INTX -> asserted ? "> intx assert" : "> intx deassert";
            };
        }
    }

    private final Consumer<? super String> printer;
    private final List<Delivery> deliveries = new ArrayList<>();

    /** A controller that records only. */
    public RecordingInterruptController() {
        this(line -> { });
    }

    /** A controller that records and hands the line of each interrupt delivered to {@code printer}. */
    public RecordingInterruptController(Consumer<? super String> printer) {
        this.printer = Objects.requireNonNull(printer, "printer");
    }

    @Override
    public void deliverMsi(PciAddress source, InterruptKind kind, long address, int data) {
        record(new Delivery(source, kind, address, data, true));
    }

    @Override
    public void setIntxLevel(PciAddress source, boolean asserted) {
        record(new Delivery(source, InterruptKind.INTX, 0, 0, asserted));
    }

    private void record(Delivery d) {
        synchronized (deliveries) {
            deliveries.add(d);
        }
        if (d.interrupt()) {
            printer.accept(d.line());
        }
    }

    /** Every call so far, in order. */
    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    /** The replay lines of every call so far, deassertions included. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Delivery d : deliveries()) {
            lines.add(d.line());
        }
        return lines;
    }

    /** Forgets the calls recorded so far. */
    public void clear() {
        synchronized (deliveries) {
            deliveries.clear();
        }
    }
}
