package org.pciguard.security;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs workers (vCPUs, a device's interrupt thread, the host) on threads of their own, started together. */
public final class Concurrently {

    private Concurrently() {
    }

    /**
     * Runs every worker on its own thread and waits for all of them.
     *
     * @throws AssertionError with the first failure of a worker, or with every thread's stack when they
     *                        have not all finished within {@code boundSeconds} (a deadlock)
     */
    public static void run(long boundSeconds, Runnable... workers) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(workers.length);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < workers.length; k++) {
            Runnable w = workers[k];
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    w.run();
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            }, "worker-" + k);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        start.countDown();
        if (!done.await(boundSeconds, TimeUnit.SECONDS)) {
            StringBuilder dump = new StringBuilder();
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                dump.append(info);
            }
            fail("not finished within " + boundSeconds + " s (deadlock?):\n" + dump);
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " worker(s) failed, first: " + failures.peek(),
                    failures.peek());
            throw e;
        }
    }
}
