package io.lambdahat.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The child processes a command starts (watch's {@code --on-transition} hooks, a local sweep's steps): each is stopped
 * with everything it started (its process group where it has its own, and its descendants), and every one still
 * running is stopped when this JVM exits (SIGTERM or SIGINT to lambdahat reaches its children), so nothing is left
 * computing as an orphan. Stopping sends SIGTERM, waits a grace period, then SIGKILL.
 *
 * <pre>{@code
 * Process p = ChildProcesses.startInOwnGroup(new ProcessBuilder("/bin/sh", "-c", command).inheritIO());
 * Integer code = ChildProcesses.waitFor(p, Duration.ofSeconds(60), Duration.ofSeconds(5));  // null: stopped after 60 s
 * }</pre>
 */
public final class ChildProcesses {
    /** The time a stopped process gets between SIGTERM and SIGKILL. */
    public static final Duration GRACE = Duration.ofSeconds(10);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<Process> OWN_GROUP = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private ChildProcesses() {}

    /**
     * Starts a child process that is stopped when this JVM exits.
     *
     * @param pb the command
     * @return the started process
     * @throws IOException if it cannot be started
     */
    public static Process start(ProcessBuilder pb) throws IOException {
        installHook();
        Process p = pb.start();
        RUNNING.add(p);
        p.onExit().thenRun(() -> RUNNING.remove(p));
        return p;
    }

    /**
     * Starts a child process in a process group of its own ({@code setsid}, where the system has it), so that it and
     * every process it starts, even one that left its parent, can be stopped together; it is stopped when this JVM exits.
     *
     * @param pb the command
     * @return the started process
     * @throws IOException if it cannot be started
     */
    public static Process startInOwnGroup(ProcessBuilder pb) throws IOException {
        boolean group = Files.isExecutable(SETSID);
        if (group) {
            List<String> cmd = new ArrayList<>(List.of(SETSID.toString()));
            cmd.addAll(pb.command());
            pb.command(cmd);
        }
        Process p = start(pb);
        if (group) {
            OWN_GROUP.add(p);
            p.onExit().thenRun(() -> OWN_GROUP.remove(p));
        }
        return p;
    }

    /**
     * Waits for a child; one that runs past {@code timeout} is stopped with everything it started.
     *
     * @param p       the child
     * @param timeout how long it may run
     * @param grace   between SIGTERM and SIGKILL when it is stopped
     * @return its exit code, or null when it ran past the timeout and was stopped
     * @throws InterruptedException if this thread is interrupted while it waits (the child is stopped first)
     */
    public static Integer waitFor(Process p, Duration timeout, Duration grace) throws InterruptedException {
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return p.exitValue();
        } catch (InterruptedException e) {
            stop(List.of(p), grace);
            throw e;
        }
        stop(List.of(p), grace);
        return null;
    }

    /**
     * Stops processes and everything they started: SIGTERM to each, its process group (when it has its own) and its
     * descendants; after {@code grace}, SIGKILL to what is left.
     *
     * @param processes the children
     * @param grace     between SIGTERM and SIGKILL
     */
    public static void stop(List<Process> processes, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>();
        List<Long> groups = new ArrayList<>();
        for (Process p : processes) {
            if (OWN_GROUP.contains(p)) groups.add(p.pid());
            all.addAll(p.descendants().toList());   // before the parent goes: its orphans are no longer its descendants
            all.add(p.toHandle());
        }
        for (long g : groups) signalGroup("-TERM", g);
        for (ProcessHandle h : all) h.destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception timedOutOrInterrupted) {
                break;
            }
        }
        for (long g : groups) signalGroup("-KILL", g);
        for (ProcessHandle h : all) if (h.isAlive()) h.destroyForcibly();
    }

    private static void signalGroup(String signal, long group) {
        try {
            Process kill = new ProcessBuilder("kill", signal, "--", "-" + group).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): the descendants are still stopped one by one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void installHook() {
        if (hookInstalled) return;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<Process> left = RUNNING.stream().filter(Process::isAlive).toList();
            if (!left.isEmpty()) stop(left, GRACE);
        }, "lambdahat-stop-children"));
        hookInstalled = true;
    }
}
