package cn.xinan.collector.figures;

import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;

import java.time.LocalDate;
import java.util.List;

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
}
