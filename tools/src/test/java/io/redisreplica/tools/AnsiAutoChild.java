package io.redisreplica.tools;

import picocli.CommandLine.Help.Ansi;

/**
 * Run in a child JVM by {@link AnsiAutoTest} (the environment is the JVM's): prints, for each
 * {@code picocli.ansi} setting and for this OS and Windows, the setting, {@link AnsiAuto}'s answer and
 * picocli's, one line each.
 */
public final class AnsiAutoChild {
    private AnsiAutoChild() {
    }

    public static void main(String[] args) {
        final String os = System.getProperty("os.name");
        for (String osName : new String[] {os, "Windows 10"}) {
            System.setProperty("os.name", osName);
            for (String ansi : new String[] {null, "auto", "AUTO", "true", "false", "tty", "TTY"}) {
                if (ansi == null) {
                    System.clearProperty("picocli.ansi");
                } else {
                    System.setProperty("picocli.ansi", ansi);
                }
                System.out.println(osName + "/" + ansi + " " + AnsiAuto.enabled() + " " + Ansi.AUTO.enabled());
            }
        }
        System.setProperty("os.name", os);
    }
}
