package io.lambdahat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdahat.InvalidInputException;
import io.lambdahat.sweep.LocalExecutor;
import io.lambdahat.sweep.Shard;
import io.lambdahat.sweep.SlurmScripts;
import io.lambdahat.sweep.SweepFolder;
import io.lambdahat.sweep.SweepSpec;
import io.lambdahat.tasks.TaskRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code lambdahat sweep}: many runs (seeds × settings) on this machine or on a Slurm cluster. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a grid of runs from a JSON spec: each cell (a seed and one value of every listed setting) is an ordinary",
                "run folder SWEEP/cells/<name>/ that goes through train, trajectory (in --shards pieces) and stages.",
                "Rerunning skips finished cells and redoes failed ones."},
        subcommands = {SweepCommand.Status.class, SweepCommand.Step.class},
        footer = {"", "Spec:", "  {\"task\": \"dln\", \"seeds\": [0, 1, 2], \"shards\": 3,",
                "   \"train\": {\"steps\": 200, \"num-checkpoints\": 4, \"lr\": [0.05, 0.1]},",
                "   \"trajectory\": {\"draws\": 100, \"chains\": 2}}", "", "Examples:",
                "  ./lambdahat sweep --spec sweep.json --out sweeps/dln",
                "  ./lambdahat sweep --spec sweep.json --out sweeps/dln --executor slurm --partition gpu --gpus 1 --time 1:00:00 --dry-run",
                "  ./lambdahat sweep status sweeps/dln"})
final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--spec", description = "the sweep spec (JSON); required")
    Path specFile;
    @Option(names = "--out", description = "the sweep folder (created; reused to resume); required")
    Path out;
    @Option(names = "--executor", defaultValue = "local", description = "local (child processes here) or slurm (sbatch job arrays); default ${DEFAULT-VALUE}")
    String executor;
    @Option(names = "--jobs", description = "at most this many processes (local) or array tasks (slurm, the array throttle %%K) at once; local default: one per core")
    Integer jobs;
    @Option(names = "--dry-run", description = "print the cells (local) or the sbatch scripts (slurm) and start nothing")
    boolean dryRun;
    @Option(names = "--partition", description = "slurm: --partition")
    String partition;
    @Option(names = "--account", description = "slurm: --account")
    String account;
    @Option(names = "--time", description = "slurm: --time per task, e.g. 1:00:00")
    String time;
    @Option(names = "--mem", description = "slurm: --mem per task, e.g. 8G")
    String mem;
    @Option(names = "--cpus", description = "slurm: --cpus-per-task")
    Integer cpus;
    @Option(names = "--gpus", description = "slurm: --gres=gpu:N per task")
    Integer gpus;
    @Option(names = "--verbose", description = "print stack traces on errors")
    boolean verbose;

    /** The launcher that child processes and Slurm tasks run: the one that started this JVM, else ./lambdahat. */
    static Path launcher() {
        String p = System.getProperty("lambdahat.launcher");
        if (p == null || p.isBlank()) p = System.getenv("LAMBDAHAT_LAUNCHER");
        if (p == null || p.isBlank()) p = Path.of(System.getProperty("user.dir"), "lambdahat").toString();
        return Path.of(p).toAbsolutePath();
    }

    /** Reads a spec and checks every cell's command line against the commands' own options, before anything starts. */
    static SweepSpec check(Path file) throws IOException {
        CommandLine cl = Main.newCommandLine();
        SweepSpec s = SweepSpec.read(file, (command, key) -> cl.getSubcommands().get(command).getCommandSpec().findOption("--" + key) != null);
        TaskRegistry.get(s.task());
        // cells that differ only by seed have the same options: each distinct command line is parsed once (a
        // 1000-seed sweep would otherwise build 3000 command-line parsers, a minute of 'sweep status')
        java.util.Set<List<String>> checked = new java.util.HashSet<>();
        for (SweepSpec.Cell c : s.cells()) {
            SweepSpec.Cell anySeed = new SweepSpec.Cell(c.name(), 0, c.train(), c.trajectory(), c.stages());
            for (List<String> args : List.of(trainArgs(s, anySeed, Path.of("x")), trajectoryArgs(c, Path.of("x"), Shard.ALL), stagesArgs(c, Path.of("x")))) {
                if (!checked.add(args)) continue;
                try {
                    cl.parseArgs(args.toArray(String[]::new));
                } catch (CommandLine.ParameterException e) {
                    throw new InvalidInputException("sweep spec, cell " + c.name() + ", lambdahat " + args.get(0) + ": " + e.getMessage());
                }
            }
        }
        return s;
    }

    static List<String> trainArgs(SweepSpec s, SweepSpec.Cell c, Path run) {
        List<String> a = new ArrayList<>(List.of("train", "--task", s.task(), "--seed", Long.toString(c.seed()), "--out", run.toString(), "--quiet"));
        a.addAll(c.train());
        return a;
    }

    static List<String> trajectoryArgs(SweepSpec.Cell c, Path run, Shard shard) {
        List<String> a = new ArrayList<>(List.of("trajectory", "--run", run.toString(), "--shard", shard.toString(), "--quiet"));
        a.addAll(c.trajectory());
        return a;
    }

    static List<String> stagesArgs(SweepSpec.Cell c, Path run) {
        List<String> a = new ArrayList<>(List.of("stages", "--run", run.toString()));
        a.addAll(c.stages());
        return a;
    }

    /** The spec a sweep folder was started with: a rerun must give the same one. */
    static void recordSpec(SweepFolder folder, Path specFile) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode given = json.readTree(specFile.toFile());
        if (Files.exists(folder.spec())) {
            JsonNode before = json.readTree(folder.spec().toFile());
            if (!before.equals(given)) {
                throw new InvalidInputException("the sweep in " + folder.root() + " was started with another spec (" + folder.spec()
                        + "); give that spec, or another --out for a new sweep");
            }
            return;
        }
        Files.createDirectories(folder.root());
        io.lambdahat.io.AtomicFiles.writeString(folder.spec(), json.writerWithDefaultPrettyPrinter().writeValueAsString(given));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (!executor.equals("local") && !executor.equals("slurm")) {
            throw new InvalidInputException("--executor must be local or slurm, got '" + executor + "'");
        }
        // not picocli-required: 'sweep status' and 'sweep step' would then require them too
        if (specFile == null || out == null) throw new InvalidInputException("give --spec FILE and --out SWEEP (see 'lambdahat sweep --help')");
        if (jobs != null && jobs < 1) throw new InvalidInputException("--jobs must be at least 1, got " + jobs);
        SweepSpec s = check(specFile);
        List<SweepSpec.Cell> cells = s.cells();
        SweepFolder folder = new SweepFolder(out.toAbsolutePath());
        if (executor.equals("slurm")) return slurm(s, cells, folder, o, err);
        int k = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
        if (dryRun) {
            o.printf("%d cells, %d shards each, %d processes at once:%n", cells.size(), s.shards(), k);
            for (SweepSpec.Cell c : cells) {
                Path run = folder.run(c.name());
                o.println("  " + c.name() + ": lambdahat " + String.join(" ", trainArgs(s, c, run)) + " && lambdahat "
                        + String.join(" ", trajectoryArgs(c, run, new Shard(1, s.shards()))).replace("--shard 1/", "--shard I/")
                        + " && lambdahat " + String.join(" ", stagesArgs(c, run)));
            }
            o.flush();
            return 0;
        }
        try (AutoCloseable lock = folder.lock()) {
            recordSpec(folder, specFile);
            long done = cells.stream().filter(c -> folder.done(c.name(), "stages")).count();
            err.printf("sweep of %d cells in %s (%d already done), %d processes at once%n", cells.size(), out, done, k);
            err.flush();
            int failed = new LocalExecutor(launcher(), folder, s, k, err).run(cells);
            o.printf("%d of %d cells done, %d failed; run folders in %s%n", cells.size() - failed, cells.size(), failed, out.resolve("cells"));
            o.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    private int slurm(SweepSpec s, List<SweepSpec.Cell> cells, SweepFolder folder, PrintWriter o, PrintWriter err) throws Exception {
        List<SweepSpec.Cell> todo = new ArrayList<>();
        for (SweepSpec.Cell c : cells) if (!folder.done(c.name(), "stages")) todo.add(c);
        if (todo.isEmpty()) {
            o.println("every cell of " + out + " is done; nothing to submit");
            o.flush();
            return 0;
        }
        Map<String, String> scripts = new SlurmScripts(partition, account, time, mem, cpus, gpus, jobs).scripts(launcher(), folder, todo, s.shards());
        if (dryRun) {
            for (int i = 0; i < SlurmScripts.ORDER.size(); i++) {
                String name = SlurmScripts.ORDER.get(i);
                o.println("# " + folder.slurm().resolve(name) + (i == 0 ? "" : "  (sbatch --dependency=" + SlurmScripts.DEPENDENCY.get(i) + ":<previous job>)"));
                o.println(scripts.get(name));
            }
            o.flush();
            return 0;
        }
        try (AutoCloseable lock = folder.lock()) {
            recordSpec(folder, specFile);
            Files.createDirectories(folder.slurm());
            Files.createDirectories(folder.logs());
            for (SweepSpec.Cell c : todo) folder.clearFailures(c.name());
            String previous = null;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < SlurmScripts.ORDER.size(); i++) {
                String name = SlurmScripts.ORDER.get(i);
                Path script = folder.slurm().resolve(name);
                Files.writeString(script, scripts.get(name), StandardCharsets.UTF_8);
                List<String> cmd = new ArrayList<>(List.of(System.getProperty("lambdahat.sbatch", "sbatch"), "--parsable"));
                if (previous != null) cmd.add("--dependency=" + SlurmScripts.DEPENDENCY.get(i) + ":" + previous);
                cmd.add(script.toString());
                String id = sbatch(cmd);
                ids.add(id);
                previous = id;
            }
            Files.writeString(folder.slurm().resolve("jobs"), String.join("\n", ids) + "\n", StandardCharsets.UTF_8);
            o.printf("submitted %d cells × %d shards: training job %s, trajectory job %s, stages job %s; follow with 'lambdahat sweep status %s'%n",
                    todo.size(), s.shards(), ids.get(0), ids.get(1), ids.get(2), out);
            o.flush();
            return 0;
        }
    }

    /** Runs sbatch and returns the job id, or fails with one line. */
    private static String sbatch(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SlurmException(cmd.get(0) + " was not found: run the Slurm executor on a login node of a Slurm cluster, or use --executor local");
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new SlurmException("sbatch did not answer within 2 minutes");
        }
        String firstLine = text.lines().reduce((a, b) -> b).orElse("");
        if (p.exitValue() != 0 || !firstLine.matches("\\d+(;.*)?")) {
            throw new SlurmException("sbatch failed (exit " + p.exitValue() + "): " + text.lines().findFirst().orElse("no output"));
        }
        return firstLine.split(";")[0];
    }

    /** A failure of Slurm itself: one line, exit 1. */
    static final class SlurmException extends RuntimeException {
        SlurmException(String message) {
            super(message);
        }
    }

    /** {@code lambdahat sweep status SWEEP}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Per cell: pending, running, done or failed (and the sweep's Slurm jobs where squeue/sacct are present).")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", description = "the sweep folder")
        Path sweep;

        @Override
        public Integer call() throws Exception {
            SweepFolder folder = new SweepFolder(sweep.toAbsolutePath());
            if (!Files.exists(folder.spec())) throw new InvalidInputException(sweep + " is not a sweep folder (no sweep.json)");
            SweepSpec s = check(folder.spec());
            PrintWriter o = spec.commandLine().getOut();
            Map<SweepFolder.State, Integer> counts = new java.util.EnumMap<>(SweepFolder.State.class);
            for (SweepSpec.Cell c : s.cells()) {
                SweepFolder.State st = folder.cellState(c.name());
                counts.merge(st, 1, Integer::sum);
                String why = st == SweepFolder.State.FAILED ? "  " + folder.failure(c.name()) : "";
                o.printf("  %-8s %s%s%n", st.name().toLowerCase(java.util.Locale.ROOT), c.name(), why);
            }
            o.println(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT))
                    .collect(java.util.stream.Collectors.joining(", ")));
            Path jobs = folder.slurm().resolve("jobs");
            if (Files.exists(jobs)) {
                String ids = String.join(",", Files.readAllLines(jobs).stream().filter(l -> !l.isBlank()).toList());
                String queue = tool("squeue", "-h", "-j", ids, "-o", "%i %j %T %r");
                String acct = tool("sacct", "-n", "-X", "-j", ids, "-o", "JobID,JobName,State");
                o.println("Slurm jobs " + ids + (queue == null && acct == null ? ": squeue and sacct are not available here" : ":"));
                if (queue != null) queue.lines().forEach(l -> o.println("  queued   " + l.strip()));
                if (acct != null) acct.lines().forEach(l -> o.println("  accounted " + l.strip()));
            }
            o.flush();
            return counts.getOrDefault(SweepFolder.State.FAILED, 0) == 0 ? 0 : 1;
        }

        /** A Slurm tool's output; null when it is missing or fails. */
        private static String tool(String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 ? text.strip() : null;
            } catch (IOException | InterruptedException e) {
                return null;
            }
        }
    }

    /** {@code lambdahat sweep step}: one step of one cell, with its markers (what the executors run). */
    @Command(name = "step", hidden = true, description = "Run one step of one cell (what the local and Slurm executors run).")
    static final class Step implements Callable<Integer> {
        @Option(names = "--out", required = true)
        Path out;
        @Option(names = "--cell", required = true)
        String cell;
        @Option(names = "--step", required = true)
        String step;
        @Option(names = "--shard")
        String shard;

        @Override
        public Integer call() throws Exception {
            SweepFolder folder = new SweepFolder(out.toAbsolutePath());
            SweepSpec s = check(folder.spec());
            SweepSpec.Cell c = s.cells().stream().filter(x -> x.name().equals(cell)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("the sweep " + out + " has no cell " + cell));
            Path run = folder.run(c.name());
            Shard part = shard == null ? new Shard(1, s.shards()) : Shard.parse(shard);
            List<String> args;
            String name;
            switch (step) {
                case "train" -> { args = trainArgs(s, c, run); name = "train"; }
                case "trajectory" -> { args = trajectoryArgs(c, run, part); name = SweepFolder.trajectoryStep(part); }
                case "stages" -> {
                    for (int i = 1; i <= s.shards(); i++) {
                        String t = SweepFolder.trajectoryStep(new Shard(i, s.shards()));
                        if (!folder.done(c.name(), t)) {
                            folder.finished(c.name(), "stages", 1, t + " is not done");
                            System.err.println("error: " + c.name() + ": " + t + " is not done");
                            return 1;
                        }
                    }
                    args = stagesArgs(c, run);
                    name = "stages";
                    if (!s.runStages()) {
                        folder.finished(c.name(), name, 0, "stage detection left out (\"stages\": false)");
                        return 0;
                    }
                }
                default -> throw new InvalidInputException("--step must be train, trajectory or stages, got '" + step + "'");
            }
            if (folder.done(c.name(), name)) return 0;
            String where = "host " + java.net.InetAddress.getLocalHost().getHostName() + " pid " + ProcessHandle.current().pid()
                    + (System.getenv("SLURM_JOB_ID") != null ? " slurm job " + System.getenv("SLURM_JOB_ID") : "");
            folder.started(c.name(), name, where);
            System.err.println("lambdahat " + String.join(" ", args));
            int code = Main.newCommandLine().execute(args.toArray(String[]::new));
            folder.finished(c.name(), name, code, "lambdahat " + String.join(" ", args));
            return code;
        }
    }
}
