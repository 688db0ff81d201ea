package cn.xinan.collector.ingest;

import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What of the rejected messages is kept, and what is logged. Per source (the topic's first level, which a
 * broker's ACL ties to the publishing account) at most {@link QuarantineSettings#perSourcePerMinute()} messages
 * a minute are kept; the rest are only counted (acknowledged all the same: a bad message must never block the
 * stream). The log gets one line per reason per {@link QuarantineSettings#summaryInterval()} with counts and one
 * example, never one line per message. Time is the collector's receive time of the messages (its {@code Clock}).
 * Used by the store stage only (one thread).
 */
final class QuarantineGate {
    private static final System.Logger LOG = System.getLogger(QuarantineGate.class.getName());
    /** Sources tracked within one minute; beyond that, new sources share one budget (a flood of topics). */
    private static final int MAX_SOURCES = 10_000;
    private static final String OTHER_SOURCES = "(other sources)";

    private final QuarantineSettings settings;
    private long rateWindowMinute = Long.MIN_VALUE;
    private final Map<String, Integer> perSource = new HashMap<>();
    private Instant summaryStart;
    private final Map<QuarantineReason, long[]> summary = new EnumMap<>(QuarantineReason.class);
    private final Map<QuarantineReason, QuarantinedMessage> example = new EnumMap<>(QuarantineReason.class);

    QuarantineGate(QuarantineSettings settings) {
        this.settings = settings;
    }

    /** The messages to store; the others are over their source's rate. Counts all of them for the log. */
    List<QuarantinedMessage> admit(List<QuarantinedMessage> rejected) {
        List<QuarantinedMessage> keep = new ArrayList<>(rejected.size());
        for (QuarantinedMessage m : rejected) {
            long minute = Math.floorDiv(m.receivedAt().getEpochSecond(), 60);
            if (minute != rateWindowMinute) {
                rateWindowMinute = minute;
                perSource.clear();
            }
            String source = source(m.topic());
            if (!perSource.containsKey(source) && perSource.size() >= MAX_SOURCES) {
                source = OTHER_SOURCES;
            }
            int n = perSource.merge(source, 1, Integer::sum);
            boolean kept = n <= settings.perSourcePerMinute();
            if (kept) {
                keep.add(m);
            }
            long[] counts = summary.computeIfAbsent(m.reason(), r -> new long[2]);
            counts[0]++;
            counts[1] += kept ? 0 : 1;
            example.put(m.reason(), m);
            if (summaryStart == null) {
                summaryStart = m.receivedAt();
            }
        }
        return keep;
    }

    /** Writes the summary lines when the interval is over at {@code now} (or at once when {@code force}). */
    void logSummary(Instant now, boolean force) {
        if (summaryStart == null || !force && now.isBefore(summaryStart.plus(settings.summaryInterval()))) {
            return;
        }
        summary.forEach((reason, counts) -> {
            QuarantinedMessage e = example.get(reason);
            LOG.log(System.Logger.Level.WARNING, "quarantined " + counts[0] + " message(s) for " + reason.code()
                    + " since " + summaryStart + (counts[1] == 0 ? "" : " (" + counts[1] + " over the rate limit of "
                    + settings.perSourcePerMinute() + " a minute per source: counted, not kept)")
                    + "; latest on " + e.topic() + ": " + e.detail());
        });
        summary.clear();
        example.clear();
        summaryStart = null;
    }

    static String source(String topic) {
        int slash = topic.indexOf('/');
        String first = slash < 0 ? topic : topic.substring(0, slash);
        return first.length() > 64 ? first.substring(0, 64) : first;
    }
}
