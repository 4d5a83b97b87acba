package io.redisreplica.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4), the oracle for what
 * {@code /metrics} serves: it fails, naming the line, on what Prometheus would reject or
 * misread: a bad metric or label name, a bad escape, a value that is not a float, a TYPE or
 * HELP given twice or after the family's samples, a family whose samples are not together, a
 * sample whose name does not belong to its family's type, the same series twice, a blank line.
 */
public final class PrometheusText {
    /** One metric family: its TYPE, HELP and samples, in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    /** One sample: the full name (with {@code _sum}, {@code _bucket}...), labels by name, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private PrometheusText() {
    }

    /** Every family by name, in the order they came. */
    public static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a newline");
        }
        final Map<String, Family> families = new LinkedHashMap<>();
        final Set<String> closed = new HashSet<>();
        final Set<String> series = new HashSet<>();
        String current = null;
        final String[] lines = text.split("\n", -1);
        for (int lineNo = 1; lineNo < lines.length; lineNo++) { // the last element is what follows the final newline: nothing
            final String line = lines[lineNo - 1];
            final String where = "line " + lineNo + " (" + line + "): ";
            if (line.isEmpty()) {
                throw new IllegalArgumentException(where + "blank line");
            }
            if (line.startsWith("#")) {
                final String[] w = line.split(" ", 4);
                if (w.length >= 3 && (w[1].equals("HELP") || w[1].equals("TYPE"))) {
                    final String name = name(w[2], where);
                    if (closed.contains(name) || (!name.equals(current) && families.containsKey(name))) {
                        throw new IllegalArgumentException(where + "family " + name + " is not together");
                    }
                    final Family f = families.get(name);
                    if (f != null && !f.samples().isEmpty()) {
                        throw new IllegalArgumentException(where + w[1] + " after the family's samples");
                    }
                    if (current != null && !current.equals(name)) {
                        closed.add(current);
                    }
                    current = name;
                    final String value = w.length > 3 ? w[3] : "";
                    final Family was = f == null ? new Family(name, null, null, new ArrayList<>()) : f;
                    if (w[1].equals("TYPE")) {
                        if (was.type() != null || !TYPES.contains(value)) {
                            throw new IllegalArgumentException(where + "TYPE twice or unknown");
                        }
                        families.put(name, new Family(name, value, was.help(), was.samples()));
                    } else {
                        if (was.help() != null) {
                            throw new IllegalArgumentException(where + "HELP twice");
                        }
                        families.put(name, new Family(name, was.type(), unescapeHelp(value, where), was.samples()));
                    }
                }
                continue;
            }
            final Sample s = sample(line, where);
            final String family = familyOf(s.name(), families);
            if (current != null && !current.equals(family)) {
                closed.add(current);
            }
            if (closed.contains(family)) {
                throw new IllegalArgumentException(where + "family " + family + " is not together");
            }
            current = family;
            families.computeIfAbsent(family, n -> new Family(n, null, null, new ArrayList<>())).samples().add(s);
            if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
                throw new IllegalArgumentException(where + "the same series twice");
            }
        }
        return families;
    }

    /** The family a sample belongs to: its own name, or the summary/histogram its suffix names. */
    private static String familyOf(String sample, Map<String, Family> families) {
        for (String suffix : new String[] {"_sum", "_count", "_bucket"}) {
            if (sample.endsWith(suffix)) {
                final Family f = families.get(sample.substring(0, sample.length() - suffix.length()));
                if (f != null && ("summary".equals(f.type()) && !suffix.equals("_bucket") || "histogram".equals(f.type()))) {
                    return f.name();
                }
            }
        }
        return sample;
    }

    private static Sample sample(String line, String where) {
        final Matcher m = NAME.matcher(line);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException(where + "no metric name");
        }
        final String name = m.group();
        int at = m.end();
        final Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                final Matcher l = LABEL_NAME.matcher(line).region(at, line.length());
                if (!l.lookingAt() || line.charAt(l.end()) != '=' || line.charAt(l.end() + 1) != '"') {
                    throw new IllegalArgumentException(where + "bad label at column " + at);
                }
                final StringBuilder v = new StringBuilder();
                int i = l.end() + 2;
                for (; line.charAt(i) != '"'; i++) {
                    char c = line.charAt(i);
                    if (c == '\\') {
                        c = switch (line.charAt(++i)) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException(where + "bad escape at column " + i);
                        };
                    }
                    v.append(c);
                }
                if (labels.put(l.group(), v.toString()) != null) {
                    throw new IllegalArgumentException(where + "label " + l.group() + " twice");
                }
                at = i + 1;
                if (line.charAt(at) == ',') {
                    at++;
                } else if (line.charAt(at) != '}') {
                    throw new IllegalArgumentException(where + "expected , or } at column " + at);
                }
            }
            at++;
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw new IllegalArgumentException(where + "expected a space before the value");
        }
        final String[] rest = line.substring(at + 1).split(" ");
        if (rest.length > 2) {
            throw new IllegalArgumentException(where + "more than a value and a timestamp");
        }
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, value(rest[0], where));
    }

    private static double value(String v, String where) {
        switch (v) {
            case "NaN": return Double.NaN;
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default:
                if (!v.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException(where + "not a float: " + v);
                }
                return Double.parseDouble(v);
        }
    }

    private static String name(String n, String where) {
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException(where + "bad metric name " + n);
        }
        return n;
    }

    private static String unescapeHelp(String help, String where) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') {
                c = switch (help.charAt(++i)) {
                    case '\\' -> '\\';
                    case 'n' -> '\n';
                    default -> throw new IllegalArgumentException(where + "bad escape in HELP at column " + i);
                };
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
