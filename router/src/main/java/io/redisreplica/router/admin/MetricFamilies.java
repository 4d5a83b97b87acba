package io.redisreplica.router.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Builds the Prometheus client's metric snapshots from rows of a status record: one family per
 * call, one data point per row with its labels. A family with no rows is left out (no sinks, no
 * sink families). Counter names are given without {@code _total}, which the writers add; a
 * family with a unit ends with it ({@code _bytes}, {@code _seconds}), as OpenMetrics requires.
 */
final class MetricFamilies {
    static final Labels NONE = Labels.EMPTY;

    private final List<MetricSnapshot> families = new ArrayList<>();

    MetricSnapshots build() {
        return new MetricSnapshots(families);
    }

    void counter(String name, String help, double value) {
        counter(name, help, List.of(value), v -> NONE, v -> v);
    }

    void gauge(String name, Unit unit, String help, double value) {
        gauge(name, unit, help, List.of(value), v -> NONE, v -> v);
    }

    <T> void counter(String name, String help, List<T> rows, Function<T, Labels> labels, ToDoubleFunction<T> value) {
        if (rows.isEmpty()) {
            return;
        }
        final CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (T row : rows) {
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.apply(row)).value(value.applyAsDouble(row)).build());
        }
        families.add(b.build());
    }

    /** @param unit null for a plain number (a count, a 0/1) */
    <T> void gauge(String name, Unit unit, String help, List<T> rows, Function<T, Labels> labels, ToDoubleFunction<T> value) {
        if (rows.isEmpty()) {
            return;
        }
        final GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        for (T row : rows) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.apply(row)).value(value.applyAsDouble(row)).build());
        }
        families.add(b.build());
    }

    /** One series per possible state, 1 for the current one: the series stay the same when the state changes. */
    <T> void states(String name, String help, List<T> rows, Function<T, Labels> labels, List<String> states, Function<T, String> current) {
        if (rows.isEmpty()) {
            return;
        }
        final StateSetSnapshot.Builder b = StateSetSnapshot.builder().name(name).help(help);
        for (T row : rows) {
            final StateSetSnapshot.StateSetDataPointSnapshot.Builder p = StateSetSnapshot.StateSetDataPointSnapshot.builder()
                .labels(labels.apply(row));
            final String now = current.apply(row);
            for (String s : states) {
                p.state(s, s.equals(now));
            }
            b.dataPoint(p.build());
        }
        families.add(b.build());
    }

    /** A summary in seconds from a window's quantiles in milliseconds; count and sum since the row began. */
    <T> void summary(String name, String help, List<T> rows, Function<T, Labels> labels, Function<T, double[]> quantileMillis,
                     double[] quantiles, ToDoubleFunction<T> count, ToDoubleFunction<T> sumMillis) {
        if (rows.isEmpty()) {
            return;
        }
        final SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(help).unit(Unit.SECONDS);
        for (T row : rows) {
            final double[] values = quantileMillis.apply(row);
            final List<Quantile> q = new ArrayList<>();
            for (int i = 0; i < quantiles.length; i++) {
                q.add(new Quantile(quantiles[i], values[i] / 1000));
            }
            b.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().labels(labels.apply(row)).quantiles(Quantiles.of(q))
                .count((long) count.applyAsDouble(row)).sum(sumMillis.applyAsDouble(row) / 1000).build());
        }
        families.add(b.build());
    }
}
