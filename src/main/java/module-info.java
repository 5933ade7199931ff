/**
 * lambdahat: the local learning coefficient (λ̂/LLC) by SGLD over libtorch, and the developmental stages it reveals.
 *
 * <p>The exported packages are the library's API. Not exported: {@code io.lambdahat.bindings} (the generated FFM
 * bindings of the C shim; only {@code torch} calls them) and {@code io.lambdahat.cli} (the command line, opened to
 * picocli, which fills its options reflectively). The SIMD kernels' implementations are package-private in
 * {@code io.lambdahat.simd}; only their interfaces and {@code SimdProvider} are public.
 *
 * <p>The Vector API is optional ({@code requires static}): {@code SimdProvider} uses it when the JVM resolves
 * {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}) and otherwise runs the scalar twins.
 * libtorch is reached through the FFM API; grant it with {@code --enable-native-access=io.lambdahat} (or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.lambdahat {
    requires static jdk.incubator.vector;
    requires transitive java.desktop;         // the report's charts take AWT colours
    requires java.management;                 // memory and compiler facts (info, SimdProvider)
    requires jdk.management;                  // com.sun.management's MXBeans
    requires transitive com.fasterxml.jackson.databind;  // RunConfig and RunFolder hand out JsonNode
    requires info.picocli;
    requires org.jfree.jfreechart;
    requires me.tongfei.progressbar;

    exports io.lambdahat;
    exports io.lambdahat.data;
    exports io.lambdahat.dynamics;
    exports io.lambdahat.io;
    exports io.lambdahat.nn;
    exports io.lambdahat.report;
    exports io.lambdahat.run;
    exports io.lambdahat.sampling;
    exports io.lambdahat.simd;
    exports io.lambdahat.sweep;
    exports io.lambdahat.tasks;
    exports io.lambdahat.torch;
    exports io.lambdahat.train;
    exports io.lambdahat.trajectory;
    exports io.lambdahat.workflow;
    // A new API package is exported here, in alphabetical order; ModuleDescriptorTest fails until it is.

    // picocli fills the commands' option fields; Jackson binds these packages' own types (records, maps of them) to
    // JSON, package-private ones included.
    opens io.lambdahat.cli to info.picocli, com.fasterxml.jackson.databind;
    opens io.lambdahat.dynamics to com.fasterxml.jackson.databind;
    opens io.lambdahat.report to com.fasterxml.jackson.databind;
    opens io.lambdahat.run to com.fasterxml.jackson.databind;
    opens io.lambdahat.sweep to com.fasterxml.jackson.databind;
    opens io.lambdahat.tasks to com.fasterxml.jackson.databind;
    opens io.lambdahat.train to com.fasterxml.jackson.databind;
    opens io.lambdahat.trajectory to com.fasterxml.jackson.databind;
    opens io.lambdahat.workflow to com.fasterxml.jackson.databind;
}
