package io.lambdahat.cli;

import picocli.CommandLine;

/** Prints the lambdahat version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"lambdahat " + (v == null ? "0.1.0-dev" : v), "Java " + Runtime.version()};
    }
}
