package cn.xinan.collector.figures;

import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Where {@link FiguresWriter} puts the figures it computed: InfluxDB only
 * ({@link cn.xinan.collector.store.influx.InfluxFigures}). Never the event path: figures are caches of the
 * stored events (docs/rules.md §6).
 */
public interface FiguresSink {
    /**
     * Writes the days and weeks of these reports and a registry snapshot; a figure with the same room, tags and time
     * as one written before replaces it.
     *
     * @param rooms        the registry's rooms (the snapshot; the tags of every figure come from here)
     * @param reports      one report per room of {@code rooms}, in any order
     * @param today        the local date of the write: days after it are not written, today and the week containing
     *                     it are written as not complete; the snapshot is dated today
     * @throws cn.xinan.collector.store.StoreException when the write fails (nothing is known about what was written)
     */
    void write(List<RoomRecord> rooms, List<RoomReport> reports, LocalDate today);

    /**
     * The basis each school's figures of a week were last written with ({@link #writeBases}), for every school-week
     * ever recorded.
     *
     * @throws cn.xinan.collector.store.StoreException when the read fails
     */
    Map<SchoolWeek, String> bases();

    /**
     * Records the basis these school-weeks' figures were written with; a basis recorded before for the same
     * school-week is replaced. Called after the figures themselves are written, so a basis never claims figures that
     * were not.
     *
     * @throws cn.xinan.collector.store.StoreException when the write fails
     */
    void writeBases(Map<SchoolWeek, String> bases);
}
