package io.lambdahat.torch;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that loads the libtorch shim ({@code liblambdahat_torch.so}). The generated bindings look
 * symbols up through the class loader, so the library must be loaded here before any binding is used;
 * {@link Native} does that in its static initialiser.
 *
 * <p>Search order: the system property {@code lambdahat.native.lib} (a file), {@code lambdahat.native.dir}
 * (a folder), the environment variable {@code LAMBDAHAT_NATIVE_DIR}, then {@code native/} beside the jar or
 * the classes folder (the Maven build puts it in {@code target/native}).
 */
final class NativeLibrary {
    /** The shim's file name on this platform ({@code liblambdahat_torch.so} on Linux). */
    public static final String FILE_NAME = System.mapLibraryName("lambdahat_torch");
    private static volatile Path loaded;

    private NativeLibrary() {}

    /**
     * Loads the shim once; later calls return the same path.
     *
     * @return the file the shim was loaded from
     * @throws UnsatisfiedLinkError with instructions when it cannot be found or loaded (libtorch missing, not built)
     */
    public static synchronized Path load() {
        if (loaded != null) return loaded;
        List<Path> tried = new ArrayList<>();
        for (Path candidate : candidates()) {
            tried.add(candidate);
            if (Files.isRegularFile(candidate)) {
                try {
                    System.load(candidate.toAbsolutePath().toString());
                } catch (UnsatisfiedLinkError e) {
                    throw new UnsatisfiedLinkError("Found " + candidate + " but could not load it: " + e.getMessage()
                            + "\nThe shim loads the libtorch it was built against (its RUNPATH): was that PyTorch removed "
                            + "or moved? Run bin/setup again (it finds or makes a PyTorch 2.x and rebuilds the shim).");
                }
                loaded = candidate;
                return candidate;
            }
        }
        throw new UnsatisfiedLinkError("The libtorch shim " + FILE_NAME + " was not found (looked at " + tried
                + "). Build it with bin/setup (it finds or makes a PyTorch 2.x, whose libtorch is the engine, and "
                + "builds the shim against it), or point -Dlambdahat.native.dir at the folder that holds it.");
    }

    /**
     * The path the shim was loaded from, or null before {@link #load()}.
     *
     * @return the loaded file, or null
     */
    public static Path loadedFrom() {
        return loaded;
    }

    private static List<Path> candidates() {
        List<Path> paths = new ArrayList<>();
        String lib = System.getProperty("lambdahat.native.lib");
        if (lib != null) paths.add(Path.of(lib));
        String dir = System.getProperty("lambdahat.native.dir");
        if (dir != null) paths.add(Path.of(dir, FILE_NAME));
        String env = System.getenv("LAMBDAHAT_NATIVE_DIR");
        if (env != null) paths.add(Path.of(env, FILE_NAME));
        try {
            Path codeSource = Path.of(NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/lambdahat.jar or target/classes -> target/native
            Path parent = codeSource.getParent();
            if (parent != null) paths.add(parent.resolve("native").resolve(FILE_NAME));
        } catch (URISyntaxException | SecurityException | NullPointerException ignored) {
            // no code source (e.g. a custom class loader): the explicit settings above must be used
        }
        return paths;
    }
}
